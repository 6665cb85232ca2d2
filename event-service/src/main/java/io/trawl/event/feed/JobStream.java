package io.trawl.event.feed;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.state.JobStatus;
import io.trawl.event.metrics.FeedMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One watched job on this replica: turns the job's events as they arrive from RabbitMQ — possibly late, out of
 * order, duplicated or missing — into its gapless sequence, healing gaps from Postgres ({@link JobSequencer}),
 * and hands each event, in order, to the job's subscribers and to its tenant's firehoses.
 *
 * <p>A stream opened for a job subscriber starts from the job's committed {@code event_seq} read when the
 * subscription was accepted. A stream opened for the firehose first resolves the job's tenant; it starts
 * just before the first event it saw, which it then reads back from Postgres with everything that arrived
 * meanwhile. Emission happens under this object's lock, so events leave in order.
 */
public final class JobStream {

    /** What a stream needs from its replica. */
    public interface Host {
        /** Events {@code after < seq <= upTo}, ascending, at most a batch. */
        Uni<List<EventEnvelope>> read(UUID jobId, long after, long upTo);

        /** Hands an event to the tenant's firehose subscribers. */
        void toTenant(String tenant, FeedEvent event, JobStatus status);

        /** Runs {@code action} after the retry delay. */
        void retryLater(Runnable action);

        /** Runs {@code action} after the gap wait (at once when it is zero). */
        void afterGapWait(Runnable action);

        /** Most events a stream holds past a gap. */
        int holdLimit();

        /** The most rows one {@link #read} returns. */
        int readBatch();

        FeedMetrics metrics();
    }

    private final UUID jobId;
    private final Host host;
    private final Set<JobFeedSubscriber> subscribers = new CopyOnWriteArraySet<>();
    private volatile String tenant;
    private volatile long lastActivity;
    private JobStatus status;
    private JobSequencer<FeedEvent> sequencer;
    private boolean gapWaiting;
    private long firstSeen = Long.MAX_VALUE;
    private long lastSeen;

    private JobStream(UUID jobId, Host host, long now) {
        this.jobId = jobId;
        this.host = host;
        this.lastActivity = now;
    }

    /** A stream for a job whose tenant, status and committed end are known. */
    public static JobStream known(UUID jobId, String tenant, JobStatus status, long eventSeq, Host host, long now) {
        JobStream stream = new JobStream(jobId, host, now);
        stream.tenant = tenant;
        stream.status = status;
        stream.sequencer = new JobSequencer<>(eventSeq, host.holdLimit(), FeedEvent::seq);
        return stream;
    }

    /** A stream whose job is being looked up; arrivals wait for {@link #resolved}. */
    public static JobStream resolving(UUID jobId, Host host, long now) {
        return new JobStream(jobId, host, now);
    }

    public UUID jobId() {
        return jobId;
    }

    /** The job's tenant; null while resolving. */
    public String tenant() {
        return tenant;
    }

    public boolean resolved() {
        return tenant != null;
    }

    public long lastActivity() {
        return lastActivity;
    }

    public void add(JobFeedSubscriber subscriber) {
        subscribers.add(subscriber);
    }

    public void remove(JobFeedSubscriber subscriber) {
        subscribers.remove(subscriber);
    }

    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    /** An event of this job from RabbitMQ. */
    public void arrived(FeedEvent event, long now) {
        lastActivity = now;
        JobSequencer.Next next;
        synchronized (this) {
            if (sequencer == null) {
                firstSeen = Math.min(firstSeen, event.seq());
                lastSeen = Math.max(lastSeen, event.seq());
                return;
            }
            next = deliver(sequencer.arrived(event));
        }
        proceed(next, false);
    }

    /** The job's tenant and status were looked up (firehose streams). */
    public void resolved(String tenant, JobStatus status) {
        JobSequencer.Next next;
        synchronized (this) {
            this.status = status;
            this.tenant = tenant;
            if (sequencer != null) {
                return;
            }
            sequencer = new JobSequencer<>(firstSeen == Long.MAX_VALUE ? lastSeen : firstSeen - 1, host.holdLimit(),
                    FeedEvent::seq);
            next = sequencer.committed(lastSeen);
        }
        proceed(next, false);
    }

    /** Postgres says the job's events are committed up to {@code eventSeq} (the periodic tail check). */
    public void committed(long eventSeq, JobStatus current) {
        JobSequencer.Next next;
        synchronized (this) {
            if (sequencer == null) {
                return;
            }
            next = sequencer.committed(eventSeq);
            if (next == JobSequencer.Next.NOTHING && !sequencer.healing() && sequencer.last() >= eventSeq) {
                status = current;
            }
        }
        proceed(next, true);
    }

    /** Caller holds the lock. */
    private JobSequencer.Next deliver(JobSequencer.Step<FeedEvent> step) {
        for (FeedEvent event : step.deliver()) {
            emit(event);
        }
        return step.next();
    }

    private void proceed(JobSequencer.Next next, boolean tail) {
        switch (next) {
            case WAIT -> awaitGap();
            case HEAL -> heal(tail);
            default -> {
            }
        }
    }

    /** Gives late events a moment to arrive before reading the gap from Postgres (one wait at a time). */
    private void awaitGap() {
        synchronized (this) {
            if (gapWaiting) {
                return;
            }
            gapWaiting = true;
        }
        host.afterGapWait(() -> {
            JobSequencer.Next next;
            synchronized (this) {
                gapWaiting = false;
                next = sequencer.gapWaitOver();
            }
            proceed(next, false);
        });
    }

    private void heal(boolean tail) {
        JobSequencer.Range range;
        synchronized (this) {
            if (sequencer.gapWaitOver() != JobSequencer.Next.HEAL) {
                return; // healed meanwhile, or a heal is running
            }
            range = sequencer.beginHeal();
        }
        host.metrics().gapHeal(tail);
        int batch = host.readBatch();
        host.read(jobId, range.after(), range.upTo()).subscribe().with(rows -> {
            JobSequencer.Next next;
            synchronized (this) {
                if (rows.isEmpty() && sequencer.last() < range.upTo()) {
                    Log.warnf("job %s: events %d..%d are no longer in Postgres; skipped", jobId, range.after() + 1,
                            range.upTo());
                }
                List<FeedEvent> read = new ArrayList<>(rows.size());
                for (EventEnvelope row : rows) {
                    read.add(FeedEvent.of(row));
                }
                next = deliver(sequencer.healed(range, read, rows.size() >= batch));
            }
            proceed(next, tail);
        }, failure -> {
            Log.warnf("job %s: healing events after %d failed (%s); retrying", jobId, range.after(),
                    failure.toString());
            // Still healing until the retry: out-of-order arrivals meanwhile are held, not read one by one.
            host.retryLater(() -> {
                synchronized (this) {
                    sequencer.healFailed();
                }
                heal(tail);
            });
        });
    }

    /** Caller holds the lock: this is what keeps emission in sequence order. */
    private void emit(FeedEvent event) {
        status = FirehoseFilter.statusAfter(event.type(), status);
        for (JobFeedSubscriber subscriber : subscribers) {
            subscriber.offer(event);
        }
        host.toTenant(tenant, event, status);
    }
}
