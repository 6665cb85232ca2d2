package io.trawl.scrape.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/** Connections of the test harness to the test database and vhost (the same the service uses in %test). */
final class TestInfra {

    /** {@code TRAWL_TEST_SUFFIX} keeps side-by-side test runs (several checkouts) apart, as in %test. */
    static final String SPACE = "trawl_test_scrape" + System.getenv().getOrDefault("TRAWL_TEST_SUFFIX", "");
    static final String DB_URL = "jdbc:postgresql://127.0.0.1:5432/" + SPACE;
    static final String VHOST = SPACE;

    private TestInfra() {
    }

    static java.sql.Connection db() {
        try {
            return DriverManager.getConnection(DB_URL, "trawl", "trawl");
        } catch (SQLException e) {
            throw new IllegalStateException("test database unreachable", e);
        }
    }

    static Connection rabbit(String name) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost(VHOST);
        try {
            return factory.newConnection(name);
        } catch (Exception e) {
            throw new IllegalStateException("test vhost unreachable", e);
        }
    }

    static AMQP.BasicProperties persistentJson() {
        return new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    }

    /** Deletes the queue if it exists (its messages belong to earlier runs). */
    static void deleteQueue(Connection connection, String queue) {
        try (Channel ch = connection.createChannel()) {
            ch.queueDelete(queue);
        } catch (Exception ignored) {
            // absent queue: nothing to clean
        }
    }

    static Map<String, Object> noArgs() {
        return Map.of();
    }
}
