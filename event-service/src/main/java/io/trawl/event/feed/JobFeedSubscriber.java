package io.trawl.event.feed;

import io.trawl.common.event.EventEnvelope;
import io.trawl.event.metrics.FeedMetrics;
import io.trawl.event.repository.EventRepository;
import io.trawl.event.repository.JobHead;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A subscriber of one job's feed ({@code /ws/jobs/{id}}, SSE): replays {@code seq > after} from Postgres, then
 * follows the job's live events with no gap and no duplicate across the handover (see {@link DeliveryState}).
 */
public final class JobFeedSubscriber extends FeedSubscriber {

    /** Sizes of the subscriber's buffer and batches. */
    public record Limits(int bufferSize, int sendBatch, int replayBatch) {
    }

    private final JobHead job;
    private final EventRepository events;
    private final Limits limits;
    private final DeliveryState<FeedEvent> state;

    /**
     * @param job the job as read when the subscription was accepted
     * @param after the client has every event up to this number
     */
    public JobFeedSubscriber(JobHead job, long after, FeedSink sink, Surface surface, EventRepository events,
            Limits limits, FeedMetrics metrics, Executor executor) {
        super(sink, surface, metrics, executor);
        this.job = job;
        this.events = events;
        this.limits = limits;
        this.state = new DeliveryState<>(after, limits.bufferSize(), FeedEvent::seq);
        metrics.connected(surface);
    }

    public UUID jobId() {
        return job.id();
    }

    /** Begins the replay. */
    public void start() {
        wake();
    }

    /** A live event of the job; its stream offers them in sequence order. */
    public void offer(FeedEvent event) {
        DeliveryState.Offer offer;
        long cursor;
        synchronized (this) {
            int before = state.buffered();
            offer = state.offer(event);
            cursor = state.cursor();
            metrics.buffered(state.buffered() - before);
        }
        switch (offer) {
            case QUEUED, DISCARDED -> wake();
            case RESYNC -> later(() -> resync(cursor));
            default -> {
            }
        }
    }

    @Override
    protected CompletionStage<?> step() {
        DeliveryState.Work work;
        synchronized (this) {
            int before = state.buffered();
            work = state.next(limits.sendBatch());
            metrics.buffered(state.buffered() - before);
            if (work instanceof DeliveryState.Idle) {
                stopPumping();
                return null;
            }
        }
        if (work instanceof DeliveryState.Read read) {
            metrics.feedRead();
            return events.after(job.id(), read.after(), limits.replayBatch()).subscribeAsCompletionStage()
                    .thenCompose(this::replayed);
        }
        if (work instanceof DeliveryState.Announce announce) {
            boolean terminal = job.status().terminal() && announce.after() >= job.eventSeq();
            return sink.sendControl(FeedMessages.REPLAYED, FeedMessages.replayed(job.id().toString(),
                    announce.after(), job.status().wire(), terminal));
        }
        @SuppressWarnings("unchecked")
        List<FeedEvent> batch = ((DeliveryState.Send<FeedEvent>) work).events();
        return sendAll(batch, true);
    }

    private CompletionStage<Void> replayed(List<EventEnvelope> rows) {
        List<FeedEvent> read = new ArrayList<>(rows.size());
        for (EventEnvelope row : rows) {
            read.add(FeedEvent.of(row));
        }
        List<FeedEvent> send;
        synchronized (this) {
            send = state.accept(read);
            state.readDone(rows.size(), limits.replayBatch());
        }
        return sendAll(send, false);
    }

    @Override
    protected void release() {
        int before = state.buffered();
        state.finish();
        metrics.buffered(-before);
    }
}
