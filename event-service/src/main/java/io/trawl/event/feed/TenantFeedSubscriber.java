package io.trawl.event.feed;

import io.trawl.common.state.JobStatus;
import io.trawl.event.metrics.FeedMetrics;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A subscriber of a tenant's firehose ({@code /ws/events}): live events of all the tenant's jobs, each job's in
 * sequence order, optionally filtered. Live only: a dashboard loads state over REST, then listens. An admin's
 * subscriber has no tenant ({@link #tenant()} is null) and gets the events of every tenant's jobs.
 */
public final class TenantFeedSubscriber extends FeedSubscriber {

    private final String tenant;
    private final FirehoseFilter filter;
    private final int sendBatch;
    private final LiveQueue<FeedEvent> queue;

    public TenantFeedSubscriber(String tenant, FirehoseFilter filter, FeedSink sink, int bufferSize, int sendBatch,
            FeedMetrics metrics, Executor executor) {
        super(sink, Surface.WS_TENANT, metrics, executor);
        this.tenant = tenant;
        this.filter = filter;
        this.sendBatch = sendBatch;
        this.queue = new LiveQueue<>(bufferSize);
        metrics.connected(Surface.WS_TENANT);
    }

    /** The tenant whose jobs this subscriber follows; null: every tenant (an admin). */
    public String tenant() {
        return tenant;
    }

    /** An event of one of the tenant's jobs, which is now in {@code status} (null: not known yet). */
    public void offer(FeedEvent event, JobStatus status) {
        if (!filter.accepts(event.type(), status)) {
            return;
        }
        boolean fits;
        synchronized (this) {
            if (isClosed()) {
                return;
            }
            int before = queue.size();
            fits = queue.offer(event);
            metrics.buffered(queue.size() - before);
        }
        if (fits) {
            wake();
        } else {
            later(() -> resync(null));
        }
    }

    @Override
    protected CompletionStage<?> step() {
        List<FeedEvent> batch;
        synchronized (this) {
            batch = queue.take(sendBatch);
            metrics.buffered(-batch.size());
            if (batch.isEmpty()) {
                stopPumping();
                return null;
            }
        }
        return sendAll(batch, true);
    }

    @Override
    protected void release() {
        int before = queue.size();
        queue.take(Integer.MAX_VALUE);
        metrics.buffered(-before);
    }
}
