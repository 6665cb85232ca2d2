package io.trawl.event.feed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveQueueTest {

    @Test
    void holdsUpToItsCapacityThenReportsTheOverflowOnceAndStaysEmpty() {
        LiveQueue<Integer> q = new LiveQueue<>(2);
        assertThat(q.offer(1)).isTrue();
        assertThat(q.offer(2)).isTrue();
        assertThat(q.take(1)).containsExactly(1);
        assertThat(q.offer(3)).isTrue();
        assertThat(q.offer(4)).isFalse();
        assertThat(q.overflowed()).isTrue();
        assertThat(q.size()).isZero();
        assertThat(q.offer(5)).isTrue();
        assertThat(q.size()).isZero();
    }
}
