package io.trawl.job.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.job.dispatch.DispatchPlanner.Candidate;
import io.trawl.job.dispatch.DispatchPlanner.HostSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dispatch decision without a database: politeness bounds and weighted fairness. */
class DispatchPlannerTest {

    static final UUID BIG = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final UUID SMALL = UUID.fromString("00000000-0000-0000-0000-00000000000s".replace('s', 'a'));

    static List<Candidate> tasks(UUID job, String host, double pass, int priority, int n, int concurrency, int delay,
            long firstId) {
        List<Candidate> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Candidate(firstId + i, job, host, pass, Math.pow(2, priority / 5.0), concurrency, delay, i + 1));
        }
        return list;
    }

    @Test
    void fillsFreeSlotsUpToTheJobsConcurrency() {
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 1, 0)), tasks(BIG, "a", 0, 0, 10, 4, 0, 1), 100);
        assertThat(plan.chosen()).extracting(Candidate::taskId).containsExactly(1L, 2L, 3L);
        assertThat(plan.hostDelayMs()).isEmpty();
        assertThat(plan.passIncrease().get(BIG)).isEqualTo(3.0);
    }

    @Test
    void aLockedHostWithoutCandidatesIsPassedOver() {
        // another replica's round took the host's due tasks between this round's host lock and its candidates
        var plan = DispatchPlanner.plan(List.of(new HostSlot("gone", 0, 0), new HostSlot("a", 0, 0)),
                tasks(BIG, "a", 0, 0, 10, 4, 0, 1), 100);
        assertThat(plan.chosen()).extracting(Candidate::taskId).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aFullHostGetsNothing() {
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 4, 0)), tasks(BIG, "a", 0, 0, 10, 4, 0, 1), 100);
        assertThat(plan.chosen()).isEmpty();
    }

    @Test
    void aDelayMeansOneDispatchPerRoundAndSpacesTheHost() {
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 0, 0)), tasks(BIG, "a", 0, 0, 10, 4, 250, 1), 100);
        assertThat(plan.chosen()).hasSize(1);
        assertThat(plan.hostDelayMs()).containsEntry("a", 250);
    }

    @Test
    void robotsCrawlDelayWinsOverASmallerJobDelay() {
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 0, 2000)), tasks(BIG, "a", 0, 0, 10, 4, 250, 1), 100);
        assertThat(plan.chosen()).hasSize(1);
        assertThat(plan.hostDelayMs()).containsEntry("a", 2000);
    }

    @Test
    void equalJobsInterleaveOnASharedHost() {
        List<Candidate> candidates = new ArrayList<>(tasks(BIG, "a", 0, 0, 64, 8, 0, 1));
        candidates.addAll(tasks(SMALL, "a", 0, 0, 5, 8, 0, 10_000));
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 0, 0)), candidates, 100);
        assertThat(plan.chosen()).hasSize(8);
        assertThat(plan.chosen().stream().filter(c -> c.jobId().equals(SMALL))).hasSize(4);
    }

    @Test
    void aJobThatHadItsShareWaitsForTheOther() {
        List<Candidate> candidates = new ArrayList<>(tasks(BIG, "a", 100, 0, 64, 4, 0, 1));
        candidates.addAll(tasks(SMALL, "a", 97, 0, 5, 4, 0, 10_000));
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 0, 0)), candidates, 100);
        assertThat(plan.chosen()).extracting(Candidate::jobId).containsExactly(SMALL, SMALL, SMALL, BIG);
    }

    @Test
    void priorityBuysAProportionalShare() {
        List<Candidate> candidates = new ArrayList<>(tasks(BIG, "a", 0, 5, 64, 64, 0, 1)); // weight 2
        candidates.addAll(tasks(SMALL, "a", 0, 0, 64, 64, 0, 10_000)); // weight 1
        var plan = DispatchPlanner.plan(List.of(new HostSlot("a", 0, 0)), candidates, 30);
        long big = plan.chosen().stream().filter(c -> c.jobId().equals(BIG)).count();
        assertThat(big).isBetween(19L, 21L);
    }

    @Test
    void theRoundCapHolds() {
        List<Candidate> candidates = new ArrayList<>();
        List<HostSlot> hosts = new ArrayList<>();
        for (int h = 0; h < 10; h++) {
            hosts.add(new HostSlot("h" + h, 0, 0));
            candidates.addAll(tasks(BIG, "h" + h, 0, 0, 10, 10, 0, h * 100L));
        }
        assertThat(DispatchPlanner.plan(hosts, candidates, 25).chosen()).hasSize(25);
    }
}
