package io.trawl.event.feed;

import static io.trawl.event.feed.JobSequencer.Arrival.DEFERRED;
import static io.trawl.event.feed.JobSequencer.Arrival.DELIVER;
import static io.trawl.event.feed.JobSequencer.Arrival.DUPLICATE;
import static io.trawl.event.feed.JobSequencer.Arrival.HEAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JobSequencerTest {

    @Test
    void theNextNumberIsDeliveredAndOlderOnesAreDuplicates() {
        JobSequencer s = new JobSequencer(10);
        assertThat(s.arrived(11)).isEqualTo(DELIVER);
        assertThat(s.arrived(12)).isEqualTo(DELIVER);
        assertThat(s.arrived(12)).isEqualTo(DUPLICATE);
        assertThat(s.arrived(3)).isEqualTo(DUPLICATE);
        assertThat(s.last()).isEqualTo(12);
    }

    @Test
    void aGapAsksForAHealOfTheWholeRangeAndDefersWhatArrivesMeanwhile() {
        JobSequencer s = new JobSequencer(0);
        assertThat(s.arrived(1)).isEqualTo(DELIVER);
        assertThat(s.arrived(4)).isEqualTo(HEAL);
        assertThat(s.last()).isEqualTo(1);
        assertThat(s.known()).isEqualTo(4);
        assertThat(s.arrived(2)).isEqualTo(DEFERRED);
        assertThat(s.arrived(6)).isEqualTo(DEFERRED);
        assertThat(s.known()).isEqualTo(6);
        // The heal read (1, 4] came back before 6 was known: another heal follows.
        assertThat(s.healed(3, 4)).isTrue();
        assertThat(s.last()).isEqualTo(4);
        assertThat(s.healed(2, 6)).isFalse();
        assertThat(s.healing()).isFalse();
        assertThat(s.arrived(5)).isEqualTo(DUPLICATE);
        assertThat(s.arrived(7)).isEqualTo(DELIVER);
    }

    @Test
    void aTailCheckThatFindsMoreCommittedEventsStartsAHeal() {
        JobSequencer s = new JobSequencer(5);
        assertThat(s.committed(5)).isFalse();
        assertThat(s.committed(3)).isFalse();
        assertThat(s.committed(8)).isTrue();
        assertThat(s.committed(9)).isFalse(); // already healing; the heal will go on to 9
        assertThat(s.healed(3, 8)).isTrue();
        assertThat(s.healed(1, 9)).isFalse();
        assertThat(s.last()).isEqualTo(9);
    }

    @Test
    void rowsThatNoLongerExistAreSkippedInsteadOfHealingForever() {
        JobSequencer s = new JobSequencer(0);
        assertThat(s.arrived(5)).isEqualTo(HEAL);
        assertThat(s.healed(0, 0)).isFalse();
        assertThat(s.last()).isEqualTo(5);
        assertThat(s.arrived(6)).isEqualTo(DELIVER);
    }

    @Test
    void anyArrivalOrderWithDuplicatesAndLossesYieldsEachNumberOnceInOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(60);
            List<Long> arrivals = new ArrayList<>();
            for (long seq = 1; seq <= n; seq++) {
                if (random.nextInt(5) != 0 || seq == n) {
                    arrivals.add(seq); // some are lost (never published), never the last one here
                }
                if (random.nextInt(6) == 0) {
                    arrivals.add(seq); // some are published twice
                }
            }
            Collections.shuffle(arrivals, random);
            List<Long> delivered = simulate(arrivals, random);
            List<Long> expected = new ArrayList<>();
            for (long seq = 1; seq <= n; seq++) {
                expected.add(seq);
            }
            assertThat(delivered).as("arrivals %s", arrivals).isEqualTo(expected);
        }
    }

    /** Drives a sequencer like JobStream does, with Postgres holding 1..max and heals completing at random. */
    private static List<Long> simulate(List<Long> arrivals, Random random) {
        JobSequencer s = new JobSequencer(0);
        List<Long> delivered = new ArrayList<>();
        TreeSet<Long> committed = new TreeSet<>();
        long[] pendingHeal = null;
        int i = 0;
        while (i < arrivals.size() || pendingHeal != null) {
            if (pendingHeal != null && (i >= arrivals.size() || random.nextBoolean())) {
                long from = pendingHeal[0];
                long to = pendingHeal[1];
                List<Long> rows = new ArrayList<>(committed.subSet(from, false, to, true));
                rows = rows.subList(0, Math.min(rows.size(), 4)); // a capped batch
                delivered.addAll(rows);
                boolean again = s.healed(rows.size(), rows.isEmpty() ? from : rows.get(rows.size() - 1));
                pendingHeal = again ? new long[] {s.last(), s.known()} : null;
                continue;
            }
            long seq = arrivals.get(i++);
            // Everything up to an arriving number is committed (published after commit, in commit order).
            for (long c = 1; c <= seq; c++) {
                committed.add(c);
            }
            switch (s.arrived(seq)) {
                case DELIVER -> delivered.add(seq);
                case HEAL -> pendingHeal = new long[] {s.last(), s.known()};
                default -> {
                }
            }
        }
        return delivered;
    }
}
