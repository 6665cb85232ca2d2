package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.message.Topology;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.messaging.SharedTopology;
import io.trawl.support.BrokerConnections;
import jakarta.inject.Inject;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** event-service declares the shared topology from common's TopologyDeclarer (not from its properties). */
@QuarkusTest
class SharedTopologyTest {

    @Inject
    SharedTopology topology;

    @Inject
    TrawlConfig config;

    @Test
    void startupDeclaresTheSharedQueuesWithTheirArguments() throws Exception {
        try (Connection connection = connect()) {
            try (Channel channel = connection.createChannel()) {
                channel.queueDelete(Topology.TASKS_QUEUE);
            }
            Channel probe = connection.createChannel();
            // the broker closes a channel whose passive declare names a missing queue
            assertThatThrownBy(() -> probe.queueDeclarePassive(Topology.TASKS_QUEUE)).isInstanceOf(IOException.class);
            topology.declare();
            try (Channel channel = connection.createChannel()) {
                assertThat(channel.queueDeclarePassive(Topology.TASKS_QUEUE).getQueue()).isEqualTo(Topology.TASKS_QUEUE);
                assertThat(channel.queueDeclarePassive(Topology.TASKS_DEAD_QUEUE).getQueue()).isEqualTo(Topology.TASKS_DEAD_QUEUE);
                channel.exchangeDeclarePassive(Topology.EVENTS_EXCHANGE);
                channel.exchangeDeclarePassive(Topology.CONTROL_EXCHANGE);
                // The same arguments as every other declarer: a different set would be refused.
                channel.queueDeclare(Topology.TASKS_QUEUE, true, false, false, Topology.tasksQueueArguments());
            }
        }
    }

    private Connection connect() throws Exception {
        return BrokerConnections.factory(config.rabbitmq()).newConnection("shared-topology-test");
    }
}
