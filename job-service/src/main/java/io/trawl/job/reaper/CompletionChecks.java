package io.trawl.job.reaper;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jobs whose last open task a worker has just counted (its outcome's {@code SlotSignal} names them), checked for
 * completion by the {@link Reaper} at once, one job at a time: a burst of small jobs finishing together (a
 * gateway posting many one-page jobs) becomes a queue of short transactions, not as many concurrent ones beside
 * the API's requests. A job asked for twice while queued is checked once; the reaper's round catches anything
 * missed.
 */
@ApplicationScoped
public class CompletionChecks {

    private final Reaper reaper;
    private final Set<UUID> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();

    public CompletionChecks(Reaper reaper) {
        this.reaper = reaper;
    }

    /** Asks for a completion check of {@code jobId} soon; never blocks, never fails. */
    public void request(UUID jobId) {
        waiting.add(jobId);
        drain();
    }

    /** Starts the next check unless one runs; the check that ends starts the one after it. */
    private void drain() {
        while (draining.compareAndSet(false, true)) {
            Iterator<UUID> next = waiting.iterator();
            if (next.hasNext()) {
                UUID jobId = next.next();
                waiting.remove(jobId);
                check(jobId);
                return;
            }
            draining.set(false);
            if (waiting.isEmpty()) { // else one arrived after the look and before the flag was cleared: go again
                return;
            }
        }
    }

    private void check(UUID jobId) {
        Uni.createFrom().deferred(() -> reaper.completeJob(jobId))
                .onFailure().invoke(failure -> Log.debugf("completion check of job %s failed (%s); the reaper's round "
                        + "retries it", jobId, failure.getMessage()))
                .onFailure().recoverWithItem(0)
                .subscribe().with(done -> {
                    draining.set(false);
                    drain();
                });
    }
}
