package io.trawl.job.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a scheduler tick does with one schedule's due times. Pure. Due times older than the misfire grace
 * are missed (recorded once, however many); the due times within the grace coalesce into one run at the
 * latest of them; the next fire time is the first one after now.
 *
 * @param run       the fire time to run, with how many due times it stands for
 * @param missed    the missed due times, summarised (the latest as its fire time)
 * @param nextFire  the next fire time after now, empty if the cron never fires again
 */
public record FirePlan(Optional<Occurrences> run, Optional<Occurrences> missed, Optional<Instant> nextFire) {

    /** {@code count} due times from {@code first} to {@code last}. */
    public record Occurrences(Instant first, Instant last, int count) {
    }

    /** Most due times enumerated per tick; beyond that they are counted as missed in bulk. */
    static final int MAX_DUE = 10_000;

    /**
     * @param nextFire the schedule's stored next fire time (the first due time not yet handled)
     * @param now      the tick's time
     */
    public static FirePlan of(CronSchedule cron, Instant nextFire, Instant now, Duration grace) {
        List<Instant> due = new ArrayList<>();
        Instant t = nextFire;
        while (t != null && !t.isAfter(now) && due.size() < MAX_DUE) {
            due.add(t);
            t = cron.nextAfter(t).orElse(null);
        }
        Instant graceStart = now.minus(grace);
        List<Instant> inGrace = due.stream().filter(d -> !d.isBefore(graceStart)).toList();
        List<Instant> late = due.stream().filter(d -> d.isBefore(graceStart)).toList();
        return new FirePlan(summary(inGrace), summary(late), cron.nextAfter(now));
    }

    private static Optional<Occurrences> summary(List<Instant> times) {
        return times.isEmpty() ? Optional.empty()
                : Optional.of(new Occurrences(times.get(0), times.get(times.size() - 1), times.size()));
    }
}
