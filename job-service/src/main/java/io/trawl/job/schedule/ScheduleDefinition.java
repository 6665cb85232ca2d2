package io.trawl.job.schedule;

import io.trawl.common.spec.JobSpec;
import java.time.Duration;

/** A validated schedule as a client defines it (create and replace). */
public record ScheduleDefinition(String name, CronSchedule cron, Duration misfireGrace, OverlapPolicy overlap,
        boolean enabled, JobSpec template) {
}
