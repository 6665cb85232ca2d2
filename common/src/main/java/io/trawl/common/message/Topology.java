package io.trawl.common.message;

import java.util.Map;
import java.util.UUID;

/**
 * RabbitMQ names and queue arguments. A queue declared twice with different arguments is a channel error,
 * so every service declares {@code trawl.tasks} with exactly {@link #tasksQueueArguments()}.
 */
public final class Topology {

    /** Quorum queue of page tasks (manual ack, delivery limit, dead-lettered past it). */
    public static final String TASKS_QUEUE = "trawl.tasks";
    /**
     * Quorum queue of page tasks of {@code render: "browser"} jobs, declared with the same
     * {@link #tasksQueueArguments()} (so the same delivery limit and dead-lettering into {@link #TASKS_DEAD_QUEUE}).
     */
    public static final String BROWSER_TASKS_QUEUE = "trawl.tasks.browser";
    /** Direct exchange that receives what {@link #TASKS_QUEUE} dead-letters. */
    public static final String TASKS_DEAD_LETTER_EXCHANGE = "trawl.tasks.dlx";
    /** Where poison task messages end. */
    public static final String TASKS_DEAD_QUEUE = "trawl.tasks.dead";
    /** Topic exchange of event envelopes, routing key {@code job.<id>.<type>}. */
    public static final String EVENTS_EXCHANGE = "trawl.events";
    /** Fanout exchange of {@link ControlMessage}s; every scrape worker binds its own queue. */
    public static final String CONTROL_EXCHANGE = "trawl.control";
    /** Deliveries of one task message before the broker dead-letters it. */
    public static final int TASKS_DELIVERY_LIMIT = 5;

    private Topology() {
    }

    public static Map<String, Object> tasksQueueArguments() {
        return Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", TASKS_DELIVERY_LIMIT,
                "x-dead-letter-exchange", TASKS_DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key", TASKS_DEAD_QUEUE,
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    /** The queue a task of a job is published to: {@link #BROWSER_TASKS_QUEUE} when it renders in a browser. */
    public static String tasksQueueFor(boolean browser) {
        return browser ? BROWSER_TASKS_QUEUE : TASKS_QUEUE;
    }

    public static Map<String, Object> deadQueueArguments() {
        return Map.of("x-queue-type", "quorum");
    }

    public static String eventRoutingKey(UUID jobId, String type) {
        return "job." + jobId + "." + type;
    }

    /** Binding key that matches every event of one job. */
    public static String jobEventsBinding(UUID jobId) {
        return "job." + jobId + ".#";
    }
}
