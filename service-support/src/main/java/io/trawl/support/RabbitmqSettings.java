package io.trawl.support;

import io.smallrye.config.WithDefault;

/**
 * RabbitMQ connection settings ({@code trawl.rabbitmq.*}, env TRAWL_RABBITMQ_*), the same in every service;
 * a service's own broker keys extend this group.
 */
public interface RabbitmqSettings {

    /** Broker host. */
    @WithDefault("127.0.0.1")
    String host();

    /** Broker AMQP port. */
    @WithDefault("5672")
    int port();

    /** Broker user. */
    @WithDefault("guest")
    String user();

    /** Broker password. */
    @WithDefault("guest")
    String password();

    /** Virtual host. */
    @WithDefault("/")
    String vhost();
}
