package io.trawl.event.support;

import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.event.repository.EventRepository;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tests run against a Postgres whose history reads answer late (1-30 ms after their snapshot), like a loaded
 * database. Live events then keep arriving while a replay read is in flight, which is exactly the race the
 * replay→live handover must survive: without this, RabbitMQ's own latency hides most handover bugs. Gap heals
 * answer late too, so the events a heal is reading can also arrive from the broker first: the race between the
 * two that {@code JobStream} must settle without a duplicate or a gap.
 */
@Alternative
@Priority(1)
@Singleton
public class SlowReplayReads extends EventRepository {

    public SlowReplayReads(Pool pool) {
        super(pool);
    }

    @Override
    public Uni<List<EventEnvelope>> after(UUID jobId, long after, int limit) {
        return super.after(jobId, after, limit).onItem().delayIt().by(lateness());
    }

    @Override
    public Uni<List<EventEnvelope>> range(UUID jobId, long after, long upTo, int limit) {
        return super.range(jobId, after, upTo, limit).onItem().delayIt().by(lateness());
    }

    private static Duration lateness() {
        return Duration.ofMillis(1 + ThreadLocalRandom.current().nextInt(30));
    }
}
