package io.trawl.event.feed;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.state.JobStatus;
import io.trawl.event.metrics.FeedMetrics;
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

        FeedMetrics metrics();
    }

    private final UUID jobId;
    private final Host host;
    private final Set<JobFeedSubscriber> subscribers = new CopyOnWriteArraySet<>();
    private volatile String tenant;
    private volatile long lastActivity;
    private JobStatus status;
    private JobSequencer sequencer;
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
        stream.sequencer = new JobSequencer(eventSeq);
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
        boolean heal = false;
        synchronized (this) {
            if (sequencer == null) {
                firstSeen = Math.min(firstSeen, event.seq());
                lastSeen = Math.max(lastSeen, event.seq());
                return;
            }
            switch (sequencer.arrived(event.seq())) {
                case DELIVER -> emit(event);
                case HEAL -> heal = true;
                default -> {
                }
            }
        }
        if (heal) {
            heal(false);
        }
    }

    /** The job's tenant and status were looked up (firehose streams). */
    public void resolved(String tenant, JobStatus status) {
        boolean heal;
        synchronized (this) {
            this.status = status;
            this.tenant = tenant;
            if (sequencer != null) {
                return;
            }
            sequencer = new JobSequencer(firstSeen == Long.MAX_VALUE ? lastSeen : firstSeen - 1);
            heal = sequencer.committed(lastSeen);
        }
        if (heal) {
            heal(false);
        }
    }

    /** Postgres says the job's events are committed up to {@code eventSeq} (the periodic tail check). */
    public void committed(long eventSeq, JobStatus current) {
        boolean heal;
        synchronized (this) {
            if (sequencer == null) {
                return;
            }
            heal = sequencer.committed(eventSeq);
            if (!heal && !sequencer.healing() && sequencer.last() >= eventSeq) {
                status = current;
            }
        }
        if (heal) {
            heal(true);
        }
    }

    private void heal(boolean tail) {
        long from;
        long to;
        synchronized (this) {
            from = sequencer.last();
            to = sequencer.known();
        }
        host.metrics().gapHeal(tail);
        host.read(jobId, from, to).subscribe().with(rows -> {
            boolean again;
            synchronized (this) {
                for (EventEnvelope row : rows) {
                    emit(FeedEvent.of(row));
                }
                again = sequencer.healed(rows.size(), rows.isEmpty() ? from : rows.get(rows.size() - 1).seq());
                if (rows.isEmpty()) {
                    Log.warnf("job %s: events %d..%d are no longer in Postgres; skipped", jobId, from + 1, to);
                }
            }
            if (again) {
                heal(tail);
            }
        }, failure -> {
            Log.warnf("job %s: healing events after %d failed (%s); retrying", jobId, from, failure.toString());
            host.retryLater(() -> heal(tail));
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
