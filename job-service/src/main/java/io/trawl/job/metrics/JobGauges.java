package io.trawl.job.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.trawl.common.state.JobStatus;
import io.trawl.job.repository.JobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** {@code trawl_jobs{status=...}}: how many jobs are in each status, refreshed every 10 seconds. */
@ApplicationScoped
public class JobGauges {

    private final JobRepository jobs;
    private final Map<JobStatus, AtomicLong> counts = new EnumMap<>(JobStatus.class);

    public JobGauges(JobRepository jobs, MeterRegistry registry) {
        this.jobs = jobs;
        for (JobStatus status : JobStatus.values()) {
            AtomicLong value = new AtomicLong();
            counts.put(status, value);
            Gauge.builder("trawl.jobs", value, AtomicLong::get).tag("status", status.wire())
                    .description("Jobs by status").register(registry);
        }
    }

    @Scheduled(identity = "job-gauges", every = "10s", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return jobs.countByStatus().invoke(rows -> {
            counts.values().forEach(v -> v.set(0));
            rows.forEach(row -> counts.get(JobStatus.fromWire(row.getString("status"))).set(row.getLong("n")));
        }).onFailure().recoverWithNull().replaceWithVoid();
    }
}
