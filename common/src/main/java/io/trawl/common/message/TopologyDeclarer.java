package io.trawl.common.message;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;

/**
 * Declares the whole shared topology of DESIGN.md §3 on a plain amqp-client channel: the three exchanges,
 * {@code trawl.tasks}, {@code trawl.tasks.browser} and their dead-letter queue, each with exactly the arguments of {@link Topology} (a queue
 * declared twice with other arguments is a channel error). Idempotent: every service calls it on each new
 * channel before it publishes or consumes, so whichever starts first creates what the others use. A service's
 * own per-replica queues (the control and feed queues) are not shared topology and stay with that service.
 */
public final class TopologyDeclarer {

    private TopologyDeclarer() {
    }

    public static void declare(Channel channel) throws IOException {
        channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(Topology.CONTROL_EXCHANGE, BuiltinExchangeType.FANOUT, true);
        channel.exchangeDeclare(Topology.TASKS_DEAD_LETTER_EXCHANGE, BuiltinExchangeType.DIRECT, true);
        channel.queueDeclare(Topology.TASKS_DEAD_QUEUE, true, false, false, Topology.deadQueueArguments());
        channel.queueBind(Topology.TASKS_DEAD_QUEUE, Topology.TASKS_DEAD_LETTER_EXCHANGE, Topology.TASKS_DEAD_QUEUE);
        channel.queueDeclare(Topology.TASKS_QUEUE, true, false, false, Topology.tasksQueueArguments());
        channel.queueDeclare(Topology.BROWSER_TASKS_QUEUE, true, false, false, Topology.tasksQueueArguments());
    }
}
