package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 9: a crawl with a {@code job.completed} webhook. The receiver (on {@link E2eEnvironment#WEBHOOK_HOST},
 * allow-listed for job-service's sender) gets the event once, signed as the Standard Webhooks library verifies
 * it, carrying the envelope the feed has, numbered after the job's last task event.
 */
@ExtendWith(E2e.class)
@Order(9)
@DisplayName("9: a job.completed webhook arrives once, signed, after the job's last task")
class WebhookIT {

    record Received(Map<String, List<String>> headers, String body) {
    }

    static E2eEnvironment env;

    @Test
    void jobCompletedWebhook() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(
                new InetSocketAddress(InetAddress.getByName(E2eEnvironment.WEBHOOK_HOST), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                Map<String, List<String>> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
                received.add(new Received(headers, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://" + E2eEnvironment.WEBHOOK_HOST + ":" + receiver.getAddress().getPort() + "/hook";
            TrawlApi.Response created = env.api.post(env.api.jobBase() + "/api/v1/webhooks",
                    "{\"url\": \"" + url + "\", \"events\": [\"job.completed\"], \"description\": \"e2e\"}",
                    "Content-Type", "application/json");
            assertThat(created.status()).as("POST /webhooks: " + created).isEqualTo(201);
            String hook = created.json().path("id").asText();
            String secret = created.json().path("secret").asText();

            try (Crawl crawl = Crawl.start(env, new DirectorySite("hooked", 2, 2, 5), "e2e webhook")) {
                crawl.awaitCompleted(Duration.ofMinutes(2));
                List<JsonNode> events = crawl.assertExactlyComplete();
                long completedSeq = events.stream().filter(e -> e.path("type").asText().equals("job.completed"))
                        .mapToLong(e -> e.path("seq").asLong()).max().orElseThrow();
                long lastTaskSeq = events.stream().filter(e -> e.path("type").asText().startsWith("task."))
                        .mapToLong(e -> e.path("seq").asLong()).max().orElseThrow();

                Instant deadline = Instant.now().plusSeconds(60);
                JsonNode log = null;
                while (Instant.now().isBefore(deadline)) {
                    log = env.api.get(env.api.jobBase() + "/api/v1/webhooks/" + hook + "/deliveries?status=delivered").json();
                    if (log.path("items").size() > 0) {
                        break;
                    }
                    TrawlApi.sleep(200);
                }
                assertThat(log.path("items").size()).as("delivered deliveries: " + log).isEqualTo(1);
                assertThat(log.path("items").get(0).path("attempts").asInt()).as("attempts").isEqualTo(1);
                assertThat(received).as("requests the receiver got").hasSize(1);

                Received r = received.get(0);
                new Webhook(secret).verify(r.body(), r.headers());
                assertThat(r.headers().get("webhook-id")).containsExactly(crawl.id + "." + completedSeq);
                JsonNode envelope = TrawlApi.JSON.readTree(r.body());
                assertThat(envelope.path("type").asText()).isEqualTo("job.completed");
                assertThat(envelope.path("seq").asLong()).as("after the last task event (seq " + lastTaskSeq + ")")
                        .isEqualTo(completedSeq).isGreaterThan(lastTaskSeq);
                JsonNode stored = events.stream().filter(e -> e.path("seq").asLong() == completedSeq).findFirst()
                        .orElseThrow();
                assertThat(envelope).as("the envelope as the feed replays it").isEqualTo(stored);
                E2eEnvironment.log("webhook %s: job.completed (seq %d) delivered once, signed", hook, completedSeq);
            }
        } finally {
            receiver.stop(0);
        }
    }
}
