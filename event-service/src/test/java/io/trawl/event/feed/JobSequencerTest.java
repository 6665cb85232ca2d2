package io.trawl.event.feed;

import static io.trawl.event.feed.JobSequencer.Next.HEAL;
import static io.trawl.event.feed.JobSequencer.Next.NOTHING;
import static io.trawl.event.feed.JobSequencer.Next.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JobSequencerTest {

    private static JobSequencer<Long> sequencer(long last) {
        return new JobSequencer<>(last, 100, Long::longValue);
    }

    private static List<Long> rows(long from, long to) {
        List<Long> rows = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            rows.add(seq);
        }
        return rows;
    }

    @Test
    void theNextNumberIsDeliveredAndOlderOnesAreDuplicates() {
        JobSequencer<Long> s = sequencer(10);
        assertThat(s.arrived(11L)).isEqualTo(new JobSequencer.Step<>(List.of(11L), NOTHING));
        assertThat(s.arrived(12L).deliver()).containsExactly(12L);
        assertThat(s.arrived(12L)).isEqualTo(new JobSequencer.Step<>(List.of(), NOTHING));
        assertThat(s.arrived(3L).deliver()).isEmpty();
        assertThat(s.last()).isEqualTo(12);
    }

    @Test
    void aLateEventWithinTheWaitIsDeliveredWithWhatItMakesContiguousWithoutARead() {
        JobSequencer<Long> s = sequencer(0);
        assertThat(s.arrived(1L).deliver()).containsExactly(1L);
        assertThat(s.arrived(3L)).isEqualTo(new JobSequencer.Step<>(List.of(), WAIT));
        assertThat(s.arrived(4L)).isEqualTo(new JobSequencer.Step<>(List.of(), WAIT));
        assertThat(s.arrived(4L).deliver()).isEmpty(); // a duplicate of a held one
        assertThat(s.held()).isEqualTo(2);
        assertThat(s.arrived(2L)).isEqualTo(new JobSequencer.Step<>(List.of(2L, 3L, 4L), NOTHING));
        assertThat(s.held()).isZero();
        assertThat(s.gapWaitOver()).isEqualTo(NOTHING);
        assertThat(s.arrived(5L).deliver()).containsExactly(5L);
    }

    @Test
    void aGapStillOpenWhenTheWaitIsOverIsHealedAndTheBrokerMayStillWinTheRace() {
        JobSequencer<Long> s = sequencer(1);
        assertThat(s.arrived(4L).next()).isEqualTo(WAIT);
        assertThat(s.gapWaitOver()).isEqualTo(HEAL);
        JobSequencer.Range range = s.beginHeal();
        assertThat(range).isEqualTo(new JobSequencer.Range(1, 4));
        assertThat(s.gapWaitOver()).isEqualTo(NOTHING); // one heal at a time
        // While the read runs the missing number arrives from the broker: delivered at once.
        assertThat(s.arrived(2L)).isEqualTo(new JobSequencer.Step<>(List.of(2L), NOTHING));
        assertThat(s.arrived(6L)).isEqualTo(new JobSequencer.Step<>(List.of(), NOTHING));
        // The read's rows 2..4: only 3 and 4 are new, then the held 4 is a duplicate; 5 is still missing.
        JobSequencer.Step<Long> healed = s.healed(range, rows(2, 4), false);
        assertThat(healed).isEqualTo(new JobSequencer.Step<>(List.of(3L, 4L), WAIT));
        assertThat(s.arrived(5L)).isEqualTo(new JobSequencer.Step<>(List.of(5L, 6L), NOTHING));
        assertThat(s.last()).isEqualTo(6);
    }

    @Test
    void aTailCheckThatFindsMoreCommittedEventsHealsAtOnce() {
        JobSequencer<Long> s = sequencer(5);
        assertThat(s.committed(5)).isEqualTo(NOTHING);
        assertThat(s.committed(3)).isEqualTo(NOTHING);
        assertThat(s.committed(8)).isEqualTo(HEAL);
        JobSequencer.Range first = s.beginHeal();
        assertThat(s.committed(9)).isEqualTo(NOTHING); // already healing
        // The read (5, 8] came back without 9: committed and missing, so read again at once.
        assertThat(s.healed(first, rows(6, 8), false)).isEqualTo(new JobSequencer.Step<>(List.of(6L, 7L, 8L), HEAL));
        JobSequencer.Range second = s.beginHeal();
        assertThat(second).isEqualTo(new JobSequencer.Range(8, 9));
        assertThat(s.healed(second, rows(9, 9), false)).isEqualTo(new JobSequencer.Step<>(List.of(9L), NOTHING));
    }

    @Test
    void aCappedReadIsFollowedByAnotherAtOnce() {
        JobSequencer<Long> s = sequencer(0);
        s.committed(10);
        JobSequencer.Range range = s.beginHeal();
        assertThat(s.healed(range, rows(1, 4), true).next()).isEqualTo(HEAL);
        assertThat(s.beginHeal()).isEqualTo(new JobSequencer.Range(4, 10));
    }

    @Test
    void rowsThatNoLongerExistAreSkippedInsteadOfHealingForever() {
        JobSequencer<Long> s = sequencer(0);
        assertThat(s.arrived(5L).next()).isEqualTo(WAIT);
        JobSequencer.Range range = s.beginHeal();
        assertThat(s.healed(range, List.of(), false)).isEqualTo(new JobSequencer.Step<>(List.of(5L), NOTHING));
        assertThat(s.last()).isEqualTo(5);
        assertThat(s.arrived(6L).deliver()).containsExactly(6L);
    }

    @Test
    void aFullWindowHealsAtOnceAndLeavesTheRestToTheRead() {
        JobSequencer<Long> s = new JobSequencer<>(0, 2, Long::longValue);
        assertThat(s.arrived(2L).next()).isEqualTo(WAIT);
        assertThat(s.arrived(3L).next()).isEqualTo(WAIT);
        assertThat(s.arrived(4L).next()).isEqualTo(HEAL);
        assertThat(s.held()).isEqualTo(2);
        JobSequencer.Range range = s.beginHeal();
        assertThat(range).isEqualTo(new JobSequencer.Range(0, 4));
        assertThat(s.healed(range, rows(1, 4), false)).isEqualTo(
                new JobSequencer.Step<>(List.of(1L, 2L, 3L, 4L), NOTHING));
    }

    @Test
    void aFailedReadLeavesTheGapOpenForTheRetry() {
        JobSequencer<Long> s = sequencer(0);
        s.arrived(3L);
        JobSequencer.Range range = s.beginHeal();
        s.healFailed();
        assertThat(s.healing()).isFalse();
        assertThat(s.gapWaitOver()).isEqualTo(HEAL);
        assertThat(s.beginHeal()).isEqualTo(range);
        assertThat(s.last()).isZero();
    }

    @Test
    void noHealWithoutAGap() {
        JobSequencer<Long> s = sequencer(3);
        assertThatThrownBy(s::beginHeal).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anyArrivalOrderWithDuplicatesLossesWaitsAndReadsYieldsEachNumberOnceInOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
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
            List<Long> delivered = simulate(arrivals, 1 + random.nextInt(8), random);
            assertThat(delivered).as("arrivals %s", arrivals).isEqualTo(rows(1, n));
        }
    }

    /**
     * Drives a sequencer like JobStream does: Postgres holds everything up to the highest number that arrived,
     * gap waits run out and heal reads (capped at 4 rows) complete at random moments between arrivals.
     */
    private static List<Long> simulate(List<Long> arrivals, int capacity, Random random) {
        JobSequencer<Long> s = new JobSequencer<>(0, capacity, Long::longValue);
        List<Long> delivered = new ArrayList<>();
        TreeSet<Long> committed = new TreeSet<>();
        boolean waiting = false;
        JobSequencer.Range reading = null;
        int i = 0;
        while (i < arrivals.size() || waiting || reading != null) {
            JobSequencer.Next next;
            int pick = random.nextInt(3);
            if (reading != null && (pick == 0 || i >= arrivals.size() && !waiting)) {
                List<Long> rows = new ArrayList<>(committed.subSet(reading.after(), false, reading.upTo(), true));
                boolean capped = rows.size() > 4;
                JobSequencer.Step<Long> step = s.healed(reading, capped ? rows.subList(0, 4) : rows, capped);
                reading = null;
                delivered.addAll(step.deliver());
                next = step.next();
            } else if (waiting && (pick == 1 || i >= arrivals.size())) {
                waiting = false;
                next = s.gapWaitOver();
            } else if (i < arrivals.size()) {
                long seq = arrivals.get(i++);
                for (long c = 1; c <= seq; c++) {
                    committed.add(c); // published after commit: everything up to it is committed
                }
                JobSequencer.Step<Long> step = s.arrived(seq);
                delivered.addAll(step.deliver());
                next = step.next();
            } else {
                continue;
            }
            if (next == WAIT) {
                waiting = true;
            } else if (next == HEAL && reading == null && s.gapWaitOver() == HEAL) {
                reading = s.beginHeal();
            }
        }
        return delivered;
    }
}
