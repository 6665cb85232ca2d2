package io.trawl.scrape.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Group commit: writes submitted while a transaction is in progress wait and go together into the next one,
 * so under load one transaction (one job-row lock, one {@code event_seq + n}) carries many pages, and with no
 * load a write starts at once (no added latency, no timer). At most one batch transaction is in flight.
 * <p>
 * A batch that fails with a transient error fails every member (each caller retries on its own, and the
 * retries batch again); any other failure retries each member alone through {@code single}, so one bad page
 * cannot fail the pages it happened to share a transaction with. Neither is a double write: the failed
 * batch rolled back as a whole.
 *
 * @param <I> one write's input
 * @param <O> one write's result
 */
public final class GroupCommit<I, O> {

    private record Pending<I, O>(I input, UniEmitter<? super O> emitter) {
    }

    private final int maxBatch;
    private final Function<List<I>, Uni<List<O>>> batch;
    private final Function<I, Uni<O>> single;
    private final Predicate<Throwable> transientFailure;
    private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    private boolean committing;

    /**
     * @param maxBatch         most writes in one transaction
     * @param batch            commits several writes in one transaction; results in input order
     * @param single           commits one write alone
     * @param transientFailure failures that every member retries itself (database unreachable)
     */
    public GroupCommit(int maxBatch, Function<List<I>, Uni<List<O>>> batch, Function<I, Uni<O>> single,
            Predicate<Throwable> transientFailure) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.batch = batch;
        this.single = single;
        this.transientFailure = transientFailure;
    }

    /** Commits {@code input} in the next transaction; lazy (nothing happens until subscribed). */
    public Uni<O> submit(I input) {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                queue.add(new Pending<>(input, emitter));
                if (committing) {
                    return;
                }
                committing = true;
            }
            drain();
        });
    }

    private void drain() {
        List<Pending<I, O>> taken = new ArrayList<>();
        synchronized (this) {
            while (!queue.isEmpty() && taken.size() < maxBatch) {
                taken.add(queue.poll());
            }
            if (taken.isEmpty()) {
                committing = false;
                return;
            }
        }
        Uni<List<O>> commit;
        try {
            commit = taken.size() == 1 ? single.apply(taken.get(0).input()).onItem().transform(List::of)
                    : batch.apply(taken.stream().map(Pending::input).toList());
        } catch (RuntimeException e) {
            commit = Uni.createFrom().failure(e);
        }
        commit.subscribe().with(results -> {
            for (int i = 0; i < taken.size(); i++) {
                taken.get(i).emitter().complete(results.get(i));
            }
            drain();
        }, failure -> {
            if (taken.size() == 1 || transientFailure.test(failure)) {
                taken.forEach(p -> p.emitter().fail(failure));
            } else {
                for (Pending<I, O> p : taken) {
                    Uni.createFrom().deferred(() -> single.apply(p.input()))
                            .subscribe().with(p.emitter()::complete, p.emitter()::fail);
                }
            }
            drain();
        });
    }

    /** Writes waiting for the next transaction (for tests and metrics). */
    public synchronized int waiting() {
        return queue.size();
    }
}
