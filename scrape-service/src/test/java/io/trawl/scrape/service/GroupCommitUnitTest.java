package io.trawl.scrape.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link GroupCommit} without a database: what waits goes together, failures are split the documented way. */
class GroupCommitUnitTest {

    /** A commit the test completes by hand, so it controls what is "in progress". */
    static final class Manual {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final List<Integer> singles = new CopyOnWriteArrayList<>();
        final AtomicReference<UniEmitter<? super List<String>>> open = new AtomicReference<>();
        final AtomicReference<UniEmitter<? super String>> openSingle = new AtomicReference<>();

        Uni<List<String>> batch(List<Integer> in) {
            batches.add(in);
            return Uni.createFrom().<List<String>>emitter(e -> open.set(e));
        }

        Uni<String> single(Integer in) {
            singles.add(in);
            return Uni.createFrom().<String>emitter(e -> openSingle.set(e));
        }
    }

    @Test
    void writesArrivingDuringACommitGoIntoTheNextOneUpToTheCap() {
        Manual m = new Manual();
        GroupCommit<Integer, String> gc = new GroupCommit<>(3, m::batch, m::single, t -> false);
        List<String> results = new CopyOnWriteArrayList<>();
        gc.submit(0).subscribe().with(results::add); // alone: starts at once, through the single path
        assertThat(m.singles).containsExactly(0);
        for (int i = 1; i <= 5; i++) {
            gc.submit(i).subscribe().with(results::add);
        }
        assertThat(gc.waiting()).isEqualTo(5);
        m.openSingle.get().complete("r0");
        assertThat(m.batches).containsExactly(List.of(1, 2, 3));
        m.open.get().complete(List.of("r1", "r2", "r3"));
        assertThat(m.batches).last().isEqualTo(List.of(4, 5));
        m.open.get().complete(List.of("r4", "r5"));
        assertThat(results).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
        assertThat(gc.waiting()).isZero();
    }

    @Test
    void aBatchFailingForGoodRetriesEachMemberAloneAndATransientFailureFailsThemAll() {
        Manual m = new Manual();
        GroupCommit<Integer, String> gc = new GroupCommit<>(10, m::batch,
                i -> i == 0 ? m.single(0) : i == 2 ? Uni.createFrom().failure(new IllegalArgumentException("bad page"))
                        : Uni.createFrom().item("alone" + i),
                t -> t instanceof java.io.IOException);
        List<Object> outcomes = new ArrayList<>();
        gc.submit(0).subscribe().with(outcomes::add, outcomes::add);
        for (int i = 1; i <= 3; i++) {
            gc.submit(i).subscribe().with(outcomes::add, outcomes::add);
        }
        m.openSingle.get().complete("r0");
        assertThat(m.batches).containsExactly(List.of(1, 2, 3));
        m.open.get().fail(new IllegalStateException("constraint"));
        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.subList(0, 2)).containsExactly("r0", "alone1");
        assertThat(outcomes.get(2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(outcomes.get(3)).isEqualTo("alone3");

        List<Object> transientOutcomes = new ArrayList<>();
        GroupCommit<Integer, String> slow = new GroupCommit<>(10, m::batch, m::single, t -> t instanceof java.io.IOException);
        slow.submit(7).subscribe().with(transientOutcomes::add, transientOutcomes::add);
        slow.submit(8).subscribe().with(transientOutcomes::add, transientOutcomes::add);
        slow.submit(9).subscribe().with(transientOutcomes::add, transientOutcomes::add);
        m.openSingle.get().complete("s7");
        m.open.get().fail(new java.io.IOException("connection reset"));
        assertThat(transientOutcomes).first().isEqualTo("s7");
        assertThat(transientOutcomes.subList(1, 3)).allSatisfy(o -> assertThat(o).isInstanceOf(java.io.IOException.class));
        assertThat(m.singles).containsExactly(0, 7); // no member retried alone: each caller retries on its own
    }
}
