package io.trawl.event.support;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.EventType;
import io.trawl.common.event.NewEvent;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.Topology;
import io.trawl.common.state.JobStatus;
import io.trawl.event.config.TrawlConfig;
import io.trawl.fixtures.Jobs;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Test data the way producers make it: job rows, events appended with {@link EventLog#append} in their own
 * transaction, and the committed envelopes published to {@code trawl.events} (or deliberately not). Blocking:
 * call it from test threads only. {@link FixturesProducer} makes it injectable in {@code @QuarkusTest}s.
 */
public class JobFixtures implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Pool pool;
    private final TrawlConfig.Rabbitmq broker;
    private Connection rabbit;

    public JobFixtures(Pool pool, TrawlConfig.Rabbitmq broker) {
        this.pool = pool;
        this.broker = broker;
    }

    /** A new job of {@code tenant} in {@code status}, without events. */
    public UUID job(String tenant, JobStatus status) {
        return Jobs.aJob(status).ofTenant(tenant).insert(pool).await().atMost(TIMEOUT);
    }

    public void status(UUID job, JobStatus status) {
        pool.preparedQuery("UPDATE trawl.jobs SET status = $2 WHERE id = $1")
                .execute(Tuple.of(job, status.wire())).await().atMost(TIMEOUT);
    }

    /** Appends {@code count} task events in one transaction (consecutive numbers), not published. */
    public List<EventEnvelope> append(UUID job, int count) {
        List<NewEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(event(EventType.TASK_SUCCEEDED, i, 0));
        }
        return append(job, events);
    }

    public List<EventEnvelope> append(UUID job, List<NewEvent> events) {
        return pool.withTransaction(tx -> EventLog.append(tx, job, events)).await().atMost(TIMEOUT);
    }

    /** An event whose data carries {@code padding} bytes (to make big events). */
    public static NewEvent event(EventType type, int n, int padding) {
        var data = JsonNodeFactory.instance.objectNode().put("taskId", n).put("url", "https://example.test/" + n);
        if (padding > 0) {
            data.put("padding", "x".repeat(padding));
        }
        return new NewEvent(type, data);
    }

    /** Appends and publishes {@code count} events, one transaction each. */
    public List<EventEnvelope> appendAndPublish(UUID job, int count) {
        List<EventEnvelope> all = new ArrayList<>();
        try (Channel channel = channel()) {
            for (int i = 0; i < count; i++) {
                List<EventEnvelope> stored = append(job, 1);
                publish(channel, stored);
                all.addAll(stored);
            }
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
        return all;
    }

    public void publish(List<EventEnvelope> events) {
        try (Channel channel = channel()) {
            publish(channel, events);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes like job-service's EventPublisher: the stored envelope, WireJson bytes, routing key. */
    public static void publish(Channel channel, List<EventEnvelope> events) throws IOException {
        for (EventEnvelope event : events) {
            channel.basicPublish(Topology.EVENTS_EXCHANGE, event.routingKey(), false,
                    new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
                            .type(event.type()).build(),
                    WireJson.encode(event));
        }
    }

    /** A new channel on the test vhost (one per thread: channels are not thread-safe); close it after use. */
    public synchronized Channel channel() throws IOException {
        if (rabbit == null || !rabbit.isOpen()) {
            ConnectionFactory factory = new ConnectionFactory();
            TrawlConfig.Rabbitmq r = broker;
            factory.setHost(r.host());
            factory.setPort(r.port());
            factory.setUsername(r.user());
            factory.setPassword(r.password());
            factory.setVirtualHost(r.vhost());
            try {
                rabbit = factory.newConnection("event-service-tests");
            } catch (TimeoutException e) {
                throw new IOException(e);
            }
        }
        Channel channel = rabbit.createChannel();
        channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        return channel;
    }

    @Override
    public void close() {
        try {
            if (rabbit != null && rabbit.isOpen()) {
                rabbit.close();
            }
        } catch (IOException e) {
            // closing at shutdown
        }
    }
}
