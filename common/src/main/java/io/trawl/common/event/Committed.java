package io.trawl.common.event;

import java.util.List;

/**
 * What a transaction produced and the events it appended: the events go to RabbitMQ only after the commit
 * ({@link EventSink#afterCommit} publishes them and hands back {@link #value()}), so no
 * reader ever sees an event Postgres does not have.
 */
public record Committed<T>(T value, List<EventEnvelope> events) {

    public Committed {
        events = List.copyOf(events);
    }

    /** A result that appended no event. */
    public static <T> Committed<T> quiet(T value) {
        return new Committed<>(value, List.of());
    }
}
