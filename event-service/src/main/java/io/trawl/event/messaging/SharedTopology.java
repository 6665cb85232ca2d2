package io.trawl.event.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.trawl.common.message.TopologyDeclarer;
import io.trawl.event.config.TrawlConfig;
import io.trawl.support.BrokerConnections;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * Declares the shared topology ({@link TopologyDeclarer}) once at startup, before the messaging connector
 * binds this replica's feed queue to {@code trawl.events} (the connector itself declares only that queue).
 * A broker that is down at startup is not fatal: job-service declares the same topology when it connects,
 * and the connector keeps reconnecting until the exchange is there.
 */
@ApplicationScoped
public class SharedTopology {

    private final TrawlConfig config;

    public SharedTopology(TrawlConfig config) {
        this.config = config;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        declare();
    }

    /** Declares the shared exchanges and queues (idempotent); logs, and does not throw, when the broker is down. */
    public void declare() {
        ConnectionFactory factory = BrokerConnections.factory(config.rabbitmq());
        factory.setConnectionTimeout(5_000);
        try (Connection connection = factory.newConnection("event-service-topology");
                Channel channel = connection.createChannel()) {
            TopologyDeclarer.declare(channel);
        } catch (Exception e) {
            Log.warnf("cannot declare the RabbitMQ topology now (%s); job-service declares it too", e.getMessage());
        }
    }
}
