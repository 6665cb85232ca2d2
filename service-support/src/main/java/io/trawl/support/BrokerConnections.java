package io.trawl.support;

import com.rabbitmq.client.ConnectionFactory;

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
}
