package io.trawl.support;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.logging.Log;
import java.io.IOException;

/** Plain amqp-client connections from the shared {@code trawl.rabbitmq.*} settings (the same broker everywhere). */
public final class BrokerConnections {

    private BrokerConnections() {
    }

    /** A factory for the configured broker, user and vhost; callers add their own recovery and timeouts. */
    public static ConnectionFactory factory(RabbitmqSettings settings) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setUsername(settings.user());
        factory.setPassword(settings.password());
        factory.setVirtualHost(settings.vhost());
        return factory;
    }

    /**
     * A factory for a consumer whose recovery is its own: the client's automatic and topology recovery off (so no
     * delivery tag outlives the channel that delivered it), a 10 s heartbeat and a 5 s connection timeout.
     */
    public static ConnectionFactory consumerFactory(RabbitmqSettings settings) {
        ConnectionFactory factory = factory(settings);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setRequestedHeartbeat(10);
        factory.setConnectionTimeout(5_000);
        return factory;
    }

    /** Closes {@code connection} (null: nothing), waiting up to 2 s; a failure is only logged ({@code what} names it). */
    public static void closeQuietly(Connection connection, String what) {
        if (connection == null) {
            return;
        }
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException e) {
            Log.debugf("closing the RabbitMQ %s connection: %s", what, e.getMessage());
        }
    }
}
