package io.trawl.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.message.Topology;
import io.trawl.common.state.JobStatus;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.messaging.EventQueueConnection;
import io.trawl.event.support.JobFixtures;
import io.trawl.fixtures.BrokerSide;
import io.trawl.support.BrokerConnections;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The replica's own queue on trawl.events, against the real broker: exclusive to this replica, bound to every
 * job, and back (with the shared topology) after RabbitMQ closes the connection.
 */
@QuarkusTest
class EventQueueConnectionTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    EventQueueConnection events;

    @Inject
    JobFixtures fixtures;

    @Inject
    MeterRegistry registry;

    @Inject
    TrawlConfig config;

    @Test
    void eachReplicaConsumesThroughAnExclusiveQueueOfItsOwnBoundToEveryJob() throws Exception {
        await().atMost(WAIT).until(events::isConsuming);
        try (Connection connection = connect()) {
            Channel other = connection.createChannel();
            // It exists (a missing queue is 404 NOT_FOUND) and is locked to the connection that declared it.
            assertThatThrownBy(() -> other.queueDeclarePassive(events.queue())).isInstanceOf(IOException.class)
                    .cause().hasMessageContaining("RESOURCE_LOCKED");
        }
        double arrived = arrivals();
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.publish(fixtures.append(job, 1)); // a job nobody here watches: consumed all the same
        await().atMost(WAIT).until(() -> arrivals() > arrived);
    }

    @Test
    void aConnectionTheBrokerClosesComesBackWithTheSharedTopologyAndConsumesAgain() throws Exception {
        await().atMost(WAIT).until(events::isConsuming);
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            channel.queueDelete(Topology.TASKS_QUEUE);
        }
        assertThat(BrokerSide.closeConnectionsNamed(config.rabbitmq().vhost(), EventQueueConnection.CLIENT_NAME,
                "test: lost connection")).as("this replica's feed connection").isNotEmpty();
        // only a new connection declares the deleted queue again
        await().atMost(WAIT).until(() -> queueExists(Topology.TASKS_QUEUE));
        await().atMost(WAIT).until(events::isConsuming);
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            channel.exchangeDeclarePassive(Topology.EVENTS_EXCHANGE);
            channel.exchangeDeclarePassive(Topology.CONTROL_EXCHANGE);
            // The same arguments as every other declarer: a different set would be refused.
            channel.queueDeclare(Topology.TASKS_QUEUE, true, false, false, Topology.tasksQueueArguments());
        }
        double arrived = arrivals();
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.publish(fixtures.append(job, 1));
        await().atMost(WAIT).until(() -> arrivals() > arrived);
    }

    private boolean queueExists(String queue) throws Exception {
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false; // the broker closed the channel: no such queue
        }
    }

    /** Events consumed from RabbitMQ (the Postgres tail check never counts here). */
    private double arrivals() {
        return registry.find("trawl.feed.arrival.lag").timer().count();
    }

    private Connection connect() throws Exception {
        return BrokerConnections.factory(config.rabbitmq()).newConnection("event-queue-connection-test");
    }
}
