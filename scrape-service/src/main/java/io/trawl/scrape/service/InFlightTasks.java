package io.trawl.scrape.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this pod is working on, so that a control message (pause, kill) or shutdown can cancel them.
 * A ticket is opened before the claim, so a pause that arrives while the claim commits is not missed.
 */
@ApplicationScoped
public class InFlightTasks {

    /** One task being processed; cancelled at most once. */
    public static final class Ticket {
        private final long taskId;
        private final UUID jobId;
        private final CompletableFuture<CancelReason> cancelled = new CompletableFuture<>();

        Ticket(long taskId, UUID jobId) {
            this.taskId = taskId;
            this.jobId = jobId;
        }

        public long taskId() {
            return taskId;
        }

        public UUID jobId() {
            return jobId;
        }

        /** Cancels the task; false when it was already cancelled (the first reason wins). */
        public boolean cancel(CancelReason reason) {
            return cancelled.complete(reason);
        }

        public Optional<CancelReason> reason() {
            return Optional.ofNullable(cancelled.getNow(null));
        }

        /** Emits the reason when the task is cancelled; cancelling this Uni leaves the ticket untouched. */
        public Uni<CancelReason> whenCancelled() {
            return Uni.createFrom().completionStage(() -> cancelled.thenApply(r -> r));
        }
    }

    private final Set<Ticket> tickets = ConcurrentHashMap.newKeySet();

    public Ticket open(long taskId, UUID jobId) {
        Ticket ticket = new Ticket(taskId, jobId);
        tickets.add(ticket);
        return ticket;
    }

    public void close(Ticket ticket) {
        tickets.remove(ticket);
    }

    /** Cancels every task of the job in this pod; returns how many. */
    public int cancelJob(UUID jobId, CancelReason reason) {
        int n = 0;
        for (Ticket t : tickets) {
            if (t.jobId.equals(jobId) && t.cancel(reason)) {
                n++;
            }
        }
        return n;
    }

    public int cancelAll(CancelReason reason) {
        int n = 0;
        for (Ticket t : tickets) {
            if (t.cancel(reason)) {
                n++;
            }
        }
        return n;
    }

    public int size() {
        return tickets.size();
    }
}
