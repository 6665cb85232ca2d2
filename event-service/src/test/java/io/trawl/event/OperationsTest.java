package io.trawl.event;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health (Postgres and RabbitMQ), metrics and OpenAPI are served. */
@QuarkusTest
class OperationsTest {

    @Test
    void readinessCoversPostgresAndRabbitMq() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "rabbitmq"));
    }

    @Test
    void metricsExposeTheFeed() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("trawl_feed_subscribers"))
                .body(containsString("trawl_feed_events_delivered_total"))
                .body(containsString("trawl_feed_replay_reads_total"))
                .body(containsString("trawl_feed_resyncs_total"))
                .body(containsString("trawl_feed_gap_heals_total"))
                .body(containsString("trawl_feed_lag_seconds"))
                .body(containsString("trawl_feed_buffered"));
    }

    @Test
    void openApiDescribesReplayAndStream() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/jobs/{id}/events"))
                .body(containsString("/api/v1/jobs/{id}/events/stream"));
    }
}
