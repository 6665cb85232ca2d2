package io.trawl.scrape.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trawl.common.message.Topology;
import io.trawl.scrape.config.BrowserConfig;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.service.TaskProcessor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;

/**
 * Consumes a task queue with the plain RabbitMQ client, by name — here {@code trawl.tasks.browser}, and only
 * on a worker started with {@code trawl.browser.enabled}. Same rules as {@link TaskConsumer}: manual acks
 * after the outcome committed, a bounded prefetch (twice the browser contexts), reject without requeue for a
 * poison message (the queue dead-letters it into {@code trawl.tasks.dead}), nothing while the pod stops (the
 * broker redelivers). The queue is declared with {@link Topology#tasksQueueArguments()}.
 */
@ApplicationScoped
public class BrowserTaskConsumer {

    private final TaskProcessor processor;
    private final ScrapeConfig config;
    private final BrowserConfig browser;
    private final Vertx vertx;
    private volatile Connection connection;

    public BrowserTaskConsumer(TaskProcessor processor, ScrapeConfig config, BrowserConfig browser, Vertx vertx) {
        this.processor = processor;
        this.config = config;
        this.browser = browser;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (browser.enabled()) {
            consume(Topology.BROWSER_TASKS_QUEUE, browser.contexts() * 2);
        }
    }

    /** Starts consuming {@code queue} with at most {@code prefetch} unacknowledged messages. */
    void consume(String queue, int prefetch) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(config.rabbitmq().host());
        factory.setPort(config.rabbitmq().port());
        factory.setUsername(config.rabbitmq().user());
        factory.setPassword(config.rabbitmq().password());
        factory.setVirtualHost(config.rabbitmq().vhost());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(2_000);
        factory.setRequestedHeartbeat(10);
        Connection conn = factory.newConnection("scrape-service-" + queue);
        Channel channel = conn.createChannel();
        channel.queueDeclare(queue, true, false, false, Topology.tasksQueueArguments());
        channel.basicQos(prefetch);
        Context context = vertx.getOrCreateContext();
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                long delivery = envelope.getDeliveryTag();
                context.runOnContext(v -> processor.process(body)
                        .onFailure().recoverWithItem(failure -> {
                            Log.errorf(failure, "unexpected failure processing a %s message", queue);
                            return TaskProcessor.Disposition.ACK;
                        })
                        .ifNoItem().after(Duration.ofMinutes(30)).recoverWithItem(TaskProcessor.Disposition.HOLD)
                        .subscribe().with(disposition -> settle(channel, delivery, disposition)));
            }
        });
        connection = conn;
        Log.infof("consuming %s with prefetch %d", queue, prefetch);
    }

    private static void settle(Channel channel, long delivery, TaskProcessor.Disposition disposition) {
        try {
            switch (disposition) {
                case ACK -> channel.basicAck(delivery, false);
                case REJECT -> channel.basicReject(delivery, false);
                case HOLD -> {
                    // shutting down: the broker redelivers it when the connection closes
                }
            }
        } catch (IOException | RuntimeException e) {
            // The ack was lost (connection gone): the broker redelivers and the claim drops it.
            Log.debugf("settling a browser task message failed: %s", e.getMessage());
        }
    }

    /** After {@link TaskConsumer} handed every in-flight task back: close, so the broker redelivers the rest. */
    void stop(@Observes @Priority(2) ShutdownEvent event) {
        Connection conn = connection;
        if (conn != null) {
            try {
                conn.close(2_000);
            } catch (IOException | RuntimeException e) {
                Log.debugf("closing the browser task connection: %s", e.getMessage());
            }
        }
    }
}
