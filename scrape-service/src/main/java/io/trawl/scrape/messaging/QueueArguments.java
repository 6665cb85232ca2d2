package io.trawl.scrape.messaging;

import io.smallrye.common.annotation.Identifier;
import io.trawl.common.message.Topology;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;

/**
 * Queue arguments the RabbitMQ connector declares our queues with ({@code queue.arguments} names these
 * beans). {@code trawl.tasks} must be declared with exactly {@link Topology#tasksQueueArguments()} by every
 * service, or the broker refuses the second declaration.
 */
@ApplicationScoped
public class QueueArguments {

    @Produces
    @Identifier("trawl-tasks-arguments")
    Map<String, Object> tasks() {
        return Topology.tasksQueueArguments();
    }

    @Produces
    @Identifier("trawl-dead-arguments")
    Map<String, Object> dead() {
        return Topology.deadQueueArguments();
    }
}
