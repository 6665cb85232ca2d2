package io.trawl.event.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/** Beans the rest of the service injects: this replica's queue arguments. */
public class InfrastructureProducers {

    /**
     * Arguments of this replica's event queue ({@code queue.arguments=trawl-events-queue}): a length bound with
     * drop-head overflow, so a stalled replica cannot grow the broker's memory (dropped events are healed).
     */
    @Produces
    @Singleton
    @Identifier("trawl-events-queue")
    Map<String, Object> eventsQueueArguments(TrawlConfig config) {
        return Map.of("x-max-length", config.rabbitmq().queueMaxLength(), "x-overflow", "drop-head");
    }
}
