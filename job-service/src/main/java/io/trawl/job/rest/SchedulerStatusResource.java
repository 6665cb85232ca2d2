package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Problem;
import io.trawl.job.service.ScheduleService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /api/v1/scheduler/status}: each schedule's last and next fire and its last job. */
@Path("/api/v1/scheduler/status")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class SchedulerStatusResource {

    /** The scheduler's view of one schedule. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScheduleState(UUID id, String name, boolean enabled, String cron, String timezone,
            Instant lastFireAt, Instant nextFireAt, Instant queuedFireAt, LastJob lastJob) {
    }

    /** The job of the latest fire and its status. */
    public record LastJob(UUID id, String status, String link) {
    }

    /** The response. */
    public record Status(Instant now, List<ScheduleState> schedules) {
    }

    private final ScheduleService service;
    private final CurrentTenant tenant;
    private final Clock clock;

    public SchedulerStatusResource(ScheduleService service, CurrentTenant tenant, Clock clock) {
        this.service = service;
        this.tenant = tenant;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Each schedule's last and next fire, its last job and that job's status")
    public Uni<Status> status() {
        return service.status(tenant.id()).map(rows -> new Status(clock.instant(), rows.stream().map(r -> {
            var s = r.schedule();
            LastJob job = s.lastJobId() == null ? null
                    : new LastJob(s.lastJobId(), r.lastJobStatus(), "/api/v1/jobs/" + s.lastJobId());
            return new ScheduleState(s.id(), s.name(), s.enabled(), s.cron(), s.timezone(), s.lastFireAt(),
                    s.nextFireAt(), s.queuedFireAt(), job);
        }).toList()));
    }
}
