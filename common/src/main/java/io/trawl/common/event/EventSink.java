package io.trawl.common.event;

import java.util.List;

/** Where a service sends committed events (its {@code EventPublisher}); {@link #afterCommit} is the one way to. */
public interface EventSink {

    /** Publishes events that are already committed in Postgres; never fails the caller. */
    void publish(List<EventEnvelope> events);

    /** Publishes a committed transaction's events and hands back its result. */
    default <T> T afterCommit(Committed<T> committed) {
        publish(committed.events());
        return committed.value();
    }
}
