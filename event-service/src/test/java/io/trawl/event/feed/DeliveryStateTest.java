package io.trawl.event.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class DeliveryStateTest {

    static final ToLongFunction<Long> SEQ = Long::longValue;

    @Test
    void catchesUpFromPostgresThenAnnouncesThenSendsLiveEventsSkippingWhatTheReplayCovered() {
        DeliveryState<Long> s = new DeliveryState<>(2, 10, SEQ);
        assertThat(s.offer(6L)).isEqualTo(DeliveryState.Offer.QUEUED);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Read(2));
        assertThat(s.accept(List.of(3L, 4L, 5L, 6L))).containsExactly(3L, 4L, 5L, 6L);
        s.readDone(4, 100);
        assertThat(s.live()).isTrue();
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Announce(6));
        assertThat(s.offer(7L)).isEqualTo(DeliveryState.Offer.QUEUED);
        assertThat(s.offer(5L)).isEqualTo(DeliveryState.Offer.IGNORED);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Send<>(List.of(7L)));
        assertThat(s.next(5)).isInstanceOf(DeliveryState.Idle.class);
        assertThat(s.cursor()).isEqualTo(7);
    }

    @Test
    void aFullReadBatchMeansReadAgain() {
        DeliveryState<Long> s = new DeliveryState<>(0, 10, SEQ);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Read(0));
        s.accept(List.of(1L, 2L));
        s.readDone(2, 2);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Read(2));
    }

    @Test
    void aGapInTheLiveBufferGoesBackToPostgres() {
        DeliveryState<Long> s = live(4);
        s.offer(5L);
        s.offer(7L);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Send<>(List.of(5L)));
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Read(5));
        assertThat(s.accept(List.of(6L, 7L))).containsExactly(6L, 7L);
        s.readDone(2, 100);
        assertThat(s.next(5)).isInstanceOf(DeliveryState.Idle.class); // 7 was covered by the read
    }

    @Test
    void overflowWhileCatchingUpDiscardsTheBufferAndForcesOneMoreRead() {
        DeliveryState<Long> s = new DeliveryState<>(0, 2, SEQ);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Read(0));
        s.offer(10L);
        s.offer(11L);
        assertThat(s.offer(12L)).isEqualTo(DeliveryState.Offer.DISCARDED);
        assertThat(s.buffered()).isZero();
        s.accept(List.of(1L, 2L, 3L));
        s.readDone(3, 100); // short read, but it may have started before 10..12 were committed
        assertThat(s.live()).isFalse();
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Read(3));
        s.accept(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L));
        s.readDone(9, 100);
        assertThat(s.live()).isTrue();
    }

    @Test
    void overflowWhenLiveIsAResyncAtTheCursorAndNothingMoreIsDone() {
        DeliveryState<Long> s = live(4);
        s.offer(5L);
        assertThat(s.next(1)).isEqualTo(new DeliveryState.Send<>(List.of(5L)));
        for (long seq = 6; seq < 16; seq++) {
            assertThat(s.offer(seq)).isEqualTo(DeliveryState.Offer.QUEUED);
        }
        assertThat(s.offer(16L)).isEqualTo(DeliveryState.Offer.RESYNC);
        assertThat(s.cursor()).isEqualTo(5);
        assertThat(s.buffered()).isZero();
        assertThat(s.offer(17L)).isEqualTo(DeliveryState.Offer.IGNORED);
        assertThat(s.next(5)).isInstanceOf(DeliveryState.Idle.class);
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        DeliveryState<Long> s = new DeliveryState<>(0, 3, SEQ);
        s.next(5);
        for (long seq = 1; seq < 100; seq++) {
            s.offer(seq);
            assertThat(s.buffered()).isLessThanOrEqualTo(3);
        }
    }

    /**
     * Property: whatever the interleaving of live offers (in order, from some point on) and Postgres reads,
     * what is handed to the transport is exactly after+1..n, in order.
     */
    @Test
    void anyInterleavingOfReplayAndLiveEventsSendsEachNumberOnceInOrder() {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            long after = random.nextInt(20);
            int n = (int) after + random.nextInt(80);
            long committed = after + random.nextInt(n - (int) after + 1);
            long published = committed; // live events start after what was committed at subscribe time
            int capacity = 1 + random.nextInt(8);
            int batch = 1 + random.nextInt(6);
            DeliveryState<Long> s = new DeliveryState<>(after, capacity, SEQ);
            List<Long> sent = new ArrayList<>();
            boolean resynced = false;
            int steps = 0;
            while (steps++ < 10_000) {
                boolean produce = committed < n && random.nextBoolean();
                if (produce) {
                    committed++;
                    published = committed;
                    if (s.offer(published) == DeliveryState.Offer.RESYNC) {
                        resynced = true;
                        break;
                    }
                    continue;
                }
                DeliveryState.Work work = s.next(batch);
                if (work instanceof DeliveryState.Read read) {
                    List<Long> rows = new ArrayList<>();
                    for (long seq = read.after() + 1; seq <= committed && rows.size() < batch; seq++) {
                        rows.add(seq);
                    }
                    sent.addAll(s.accept(rows));
                    s.readDone(rows.size(), batch);
                } else if (work instanceof DeliveryState.Send<?> send) {
                    for (Object e : send.events()) {
                        sent.add((Long) e);
                    }
                } else if (work instanceof DeliveryState.Idle && committed == n) {
                    break;
                }
            }
            long end = resynced ? s.cursor() : n;
            List<Long> expected = new ArrayList<>();
            for (long seq = after + 1; seq <= end; seq++) {
                expected.add(seq);
            }
            assertThat(sent).as("round %d", round).isEqualTo(expected);
        }
    }

    private static DeliveryState<Long> live(long after) {
        DeliveryState<Long> s = new DeliveryState<>(after, 10, SEQ);
        s.next(5);
        s.accept(List.of());
        s.readDone(0, 100);
        assertThat(s.next(5)).isEqualTo(new DeliveryState.Announce(after));
        return s;
    }
}
