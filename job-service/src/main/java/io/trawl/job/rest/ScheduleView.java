package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.job.schedule.CronSchedule;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A schedule as the API shows it; {@code nextFireTimes} only on the single-schedule view. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleView(
        UUID id,
        String name,
        String cron,
        String timezone,
        String misfireGrace,
        String overlap,
        boolean enabled,
        Instant lastFireAt,
        Instant nextFireAt,
        List<Instant> nextFireTimes,
        Instant queuedFireAt,
        UUID lastJobId,
        Instant createdAt,
        Instant updatedAt,
        @JsonRawValue String template,
        Links links) {

    /** Where to find the schedule's runs and how to trigger it. */
    public record Links(String self, String runs, String trigger, String lastJob) {
    }

    static ScheduleView of(ScheduleRecord s, Instant now, boolean detail) {
        String self = "/api/v1/schedules/" + s.id();
        List<Instant> upcoming = detail && s.enabled() ? CronSchedule.of(s.cron(), s.timezone()).next(5, now) : null;
        return new ScheduleView(s.id(), s.name(), s.cron(), s.timezone(), s.misfireGrace().toString(), s.overlap(),
                s.enabled(), s.lastFireAt(), s.nextFireAt(), upcoming, s.queuedFireAt(), s.lastJobId(), s.createdAt(),
                s.updatedAt(), s.template(), new Links(self, self + "/runs", self + "/trigger",
                        s.lastJobId() == null ? null : "/api/v1/jobs/" + s.lastJobId()));
    }
}
