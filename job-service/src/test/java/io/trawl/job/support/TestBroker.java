package io.trawl.job.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.Topology;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;

/** A plain AMQP client on the test vhost: what a consumer of Trawl's queues would see. */
public final class TestBroker implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    public TestBroker() {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setVirtualHost(ConfigProvider.getConfig().getValue("trawl.rabbitmq.vhost", String.class));
            factory.setAutomaticRecoveryEnabled(true);
            factory.setNetworkRecoveryInterval(1000);
            connection = factory.newConnection("job-service-tests");
            channel = connection.createChannel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to RabbitMQ", e);
        }
    }

    public void purgeTasks() {
        try {
            channel.queuePurge(Topology.TASKS_QUEUE);
            channel.queuePurge(Topology.TASKS_DEAD_QUEUE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes every message now in {@code queue} (acking them) and decodes its body. */
    public <T> List<T> drain(String queue, Class<T> type) {
        return drain(queue, body -> WireJson.decode(body, type));
    }

    public <T> List<T> drain(String queue, Function<byte[], T> decoder) {
        List<T> out = new ArrayList<>();
        try {
            GetResponse r;
            while ((r = channel.basicGet(queue, true)) != null) {
                out.add(decoder.apply(r.getBody()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Takes one message (acked), or null when the queue is empty. */
    public byte[] takeOne(String queue) {
        try {
            GetResponse r = channel.basicGet(queue, true);
            return r == null ? null : r.getBody();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server-named exclusive queue bound to {@code exchange} with {@code bindingKey}. */
    public String bindTemporaryQueue(String exchange, String bindingKey) {
        try {
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, exchange, bindingKey);
            return queue;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public long messageCount(String queue) {
        try {
            return channel.messageCount(queue);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code rabbitmqctl} (the broker is local); fails the test if it fails. */
    public static void rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed: "
                        + new String(p.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close(2000);
        } catch (Exception e) {
            // the broker may have gone away in a fault test
        }
    }
}
