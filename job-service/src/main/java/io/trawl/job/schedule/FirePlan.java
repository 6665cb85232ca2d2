package io.trawl.job.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a scheduler tick does with one schedule's due times. Pure. Due times older than the misfire grace
 * are missed (recorded once, however many); the due times within the grace coalesce into one run at the
 * latest of them; the next fire time is the first one after now.
 *
 * <p>The two ranges are enumerated separately, each from its own start, so a long downtime of a frequent
 * cron (more than {@link #MAX_DUE} missed due times) still runs the due times within the grace: the missed
 * range starts at the stored next fire time, the grace range at the first due time at or after
 * {@code now - grace}. A range longer than {@link #MAX_DUE} is counted up to that bound and its latest due
 * time found by searching back from the range's end.
 *
 * @param run       the fire time to run, with how many due times it stands for
 * @param missed    the missed due times, summarised (the latest as its fire time)
 * @param nextFire  the next fire time after now, empty if the cron never fires again
 */
public record FirePlan(Optional<Occurrences> run, Optional<Occurrences> missed, Optional<Instant> nextFire) {

    /** {@code count} due times from {@code first} to {@code last}; {@code count} is at most {@link #MAX_DUE}. */
    public record Occurrences(Instant first, Instant last, int count) {

        /** Whether there were more due times than {@link #MAX_DUE} (then {@code count} is that bound). */
        public boolean capped() {
            return count >= MAX_DUE;
        }
    }

    /** Most due times counted per range and tick; a longer range is reported as at least this many. */
    public static final int MAX_DUE = 10_000;

    /**
     * @param nextFire the schedule's stored next fire time (the first due time not yet handled)
     * @param now      the tick's time
     */
    public static FirePlan of(CronSchedule cron, Instant nextFire, Instant now, Duration grace) {
        Instant graceStart = now.minus(grace);
        Optional<Occurrences> missed = Optional.empty();
        Instant firstInGrace = nextFire;
        if (nextFire != null && nextFire.isBefore(graceStart)) {
            // due times in [nextFire, graceStart)
            missed = range(cron, nextFire, graceStart.minusNanos(1));
            firstInGrace = cron.nextAfter(graceStart.minusNanos(1)).orElse(null);
        }
        Optional<Occurrences> run = firstInGrace == null ? Optional.empty() : range(cron, firstInGrace, now);
        return new FirePlan(run, missed, cron.nextAfter(now));
    }

    /** The due times from {@code first} (itself a due time) up to and including {@code end}. */
    private static Optional<Occurrences> range(CronSchedule cron, Instant first, Instant end) {
        if (first.isAfter(end)) {
            return Optional.empty();
        }
        Instant last = first;
        int count = 1;
        while (count < MAX_DUE) {
            Optional<Instant> next = cron.nextAfter(last);
            if (next.isEmpty() || next.get().isAfter(end)) {
                return Optional.of(new Occurrences(first, last, count));
            }
            last = next.get();
            count++;
        }
        return Optional.of(new Occurrences(first, latestAtOrBefore(cron, last, end), count));
    }

    /**
     * The latest due time in {@code (floor, end]}, {@code floor} being a due time: searches back from
     * {@code end} in windows that double until one holds a due time, then walks that window forward.
     */
    static Instant latestAtOrBefore(CronSchedule cron, Instant floor, Instant end) {
        Duration window = Duration.ofSeconds(1);
        while (true) {
            Instant from = end.minus(window);
            if (!from.isAfter(floor)) {
                from = floor;
            }
            Optional<Instant> candidate = cron.nextAfter(from);
            if (candidate.isPresent() && !candidate.get().isAfter(end)) {
                Instant latest = candidate.get();
                for (Optional<Instant> n = cron.nextAfter(latest); n.isPresent() && !n.get().isAfter(end);
                        n = cron.nextAfter(latest)) {
                    latest = n.get();
                }
                return latest;
            }
            if (from.equals(floor)) {
                return floor;
            }
            window = window.multipliedBy(2);
        }
    }
}
