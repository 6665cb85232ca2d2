package io.trawl.job.service;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.trawl.job.config.TrawlConfig;
import io.trawl.support.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Depths of the task queues, read with a passive queue declare (no management plugin): ready messages and
 * consumers per queue; a queue that does not exist (e.g. {@code trawl.tasks.browser} before any browser worker
 * declared it) is reported as absent. Uses its own connection, opened on first use, off the event loop.
 */
@ApplicationScoped
public class QueueDepthService {

    /** The queues the fleet view shows. */
    public static final List<String> QUEUES = List.of("trawl.tasks", "trawl.tasks.dead", "trawl.tasks.browser");

    /** One queue's depth; {@code exists} false when the broker has no such queue. */
    @RegisterForReflection
    public record QueueDepth(String name, boolean exists, long ready, int consumers) {
    }

    private final TrawlConfig.Rabbitmq config;
    private Connection connection;

    public QueueDepthService(TrawlConfig config) {
        this.config = config.rabbitmq();
    }

    public Uni<List<QueueDepth>> depths() {
        return Uni.createFrom().item(this::read).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private synchronized List<QueueDepth> read() {
        try {
            Connection conn = connection();
            List<QueueDepth> depths = new ArrayList<>();
            for (String queue : QUEUES) {
                // A failed passive declare closes its channel: one channel per queue.
                try (Channel channel = conn.createChannel()) {
                    AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(queue);
                    depths.add(new QueueDepth(queue, true, ok.getMessageCount(), ok.getConsumerCount()));
                } catch (IOException e) {
                    depths.add(new QueueDepth(queue, false, 0, 0));
                } catch (com.rabbitmq.client.AlreadyClosedException e) {
                    depths.add(new QueueDepth(queue, false, 0, 0));
                }
            }
            return depths;
        } catch (IOException | TimeoutException | RuntimeException e) {
            Log.debugf("queue depths unavailable: %s", e.getMessage());
            throw new Refusal.Unavailable("broker-unavailable", "Broker unavailable",
                    "RabbitMQ is not reachable right now");
        }
    }

    private Connection connection() throws IOException, TimeoutException {
        if (connection == null || !connection.isOpen()) {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(config.host());
            factory.setPort(config.port());
            factory.setUsername(config.user());
            factory.setPassword(config.password());
            factory.setVirtualHost(config.vhost());
            factory.setConnectionTimeout(5_000);
            factory.setRequestedHeartbeat(10);
            connection = factory.newConnection("job-service-queue-depths");
        }
        return connection;
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        if (connection != null) {
            try {
                connection.close(1_000);
            } catch (IOException | RuntimeException e) {
                Log.debugf("closing queue-depth connection: %s", e.getMessage());
            }
        }
    }
}
