package io.trawl.job.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decides, for one dispatch round, which due tasks go out: pure, no I/O. Per host it respects the
 * fleet-wide bound (tasks of the host queued or running &lt; the job's {@code perHostConcurrency}) and the
 * spacing (with a delay, at most one dispatch per host per round, and the host's next dispatch is pushed
 * back by {@code max(perHostDelayMs, robots Crawl-delay)}). Between jobs it is a priority-weighted round
 * robin (stride scheduling): each job has a pass value that grows by 1/weight per dispatched task, and
 * the lowest pass goes next, so a small new job is served at once beside a giant one.
 */
public final class DispatchPlanner {

    /** A host locked for this round, with its tasks in flight counted under that lock. */
    public record HostSlot(String host, int inFlight, int crawlDelayMs) {
    }

    /** A due pending task of an active job; {@code jobRank} is its 1-based position among the job's on the host. */
    public record Candidate(long taskId, UUID jobId, String host, double jobPass, double jobWeight,
            int perHostConcurrency, int perHostDelayMs, int jobRank) {

        double fairness() {
            return jobPass + (jobRank - 1) / jobWeight;
        }
    }

    /** The round's decision: tasks to queue, each host's spacing, each job's pass increase. */
    public record Plan(List<Candidate> chosen, Map<String, Integer> hostDelayMs, Map<UUID, Double> passIncrease) {
    }

    private DispatchPlanner() {
    }

    public static Plan plan(List<HostSlot> hosts, List<Candidate> candidates, int maxTasks) {
        Map<String, List<Candidate>> byHost = new HashMap<>();
        for (Candidate c : candidates) {
            byHost.computeIfAbsent(c.host(), h -> new ArrayList<>()).add(c);
        }
        List<Candidate> chosen = new ArrayList<>();
        Map<String, Integer> delays = new LinkedHashMap<>();
        Map<UUID, Double> pass = new LinkedHashMap<>();
        for (HostSlot host : hosts) {
            List<Candidate> queue = byHost.get(host.host());
            if (queue == null) {
                continue; // locked, but its due tasks went out in another replica's round meanwhile
            }
            queue.sort(Comparator.comparingDouble(Candidate::fairness).thenComparingLong(Candidate::taskId));
            int inFlight = host.inFlight();
            for (Candidate c : queue) {
                if (chosen.size() >= maxTasks) {
                    break;
                }
                if (inFlight >= c.perHostConcurrency()) {
                    continue;
                }
                chosen.add(c);
                inFlight++;
                pass.merge(c.jobId(), 1.0 / c.jobWeight(), Double::sum);
                int delay = Math.max(c.perHostDelayMs(), host.crawlDelayMs());
                if (delay > 0) {
                    delays.put(host.host(), delay);
                    break;
                }
            }
            if (chosen.size() >= maxTasks) {
                break;
            }
        }
        return new Plan(chosen, delays, pass);
    }
}
