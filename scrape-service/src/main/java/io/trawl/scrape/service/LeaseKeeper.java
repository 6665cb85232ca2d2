package io.trawl.scrape.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.repository.ClaimedTask;
import io.trawl.scrape.repository.TaskRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * Keeps a claimed task's lease alive while its page is fetched, and reads the job's status on the way (a
 * lost control message delays a pause, it does not break it): a renewal that matches no row means the task
 * was reaped or cancelled (kill) and the fetch is abandoned; a paused job cancels the fetch as a pause.
 */
@ApplicationScoped
public class LeaseKeeper {

    private final TaskRepository tasks;
    private final Duration interval;
    private final long leaseMs;

    public LeaseKeeper(TaskRepository tasks, ScrapeConfig config) {
        this.tasks = tasks;
        this.interval = config.worker().leaseRenewInterval();
        this.leaseMs = config.worker().lease().toMillis();
    }

    /** Renews every interval until the returned handle is cancelled. */
    public Cancellable keep(ClaimedTask task, InFlightTasks.Ticket ticket) {
        return Multi.createFrom().ticks().startingAfter(interval).every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> tasks.renew(task.id(), task.leaseToken(), leaseMs)
                        .onFailure().recoverWithItem(failure -> {
                            Log.debugf("lease renewal of task %d failed (%s); trying again", task.id(),
                                    failure.getMessage());
                            return Optional.of("unknown");
                        }))
                .subscribe().with(status -> {
                    if (status.isEmpty()) {
                        ticket.cancel(CancelReason.LEASE_LOST);
                    } else if (status.get().equals("paused")) {
                        ticket.cancel(CancelReason.PAUSED);
                    } else if (status.get().equals("killed")) {
                        ticket.cancel(CancelReason.KILLED);
                    }
                }, failure -> Log.warnf("lease keeper of task %d stopped: %s", task.id(), failure.getMessage()));
    }
}
