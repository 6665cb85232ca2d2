package io.trawl.scrape.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.scrape.service.WorkerIdentity;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import io.trawl.fixtures.Specs;

/** The worker registry row, health checks and Prometheus metrics. */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class WorkerStatusTest {

    @Inject
    WorkerIdentity identity;

    @Test
    void theWorkerRowIsKeptFreshWithStats() {
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeatAgeMs() >= 0 && heartbeatAgeMs() < 3000);
        try (var db = TestInfra.db(); var st = db.prepareStatement(
                "SELECT service, host, stats::text, in_flight, stats->>'heartbeatMs' FROM trawl.workers WHERE id = ?")) {
            st.setString(1, identity.id());
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("scrape-service");
                assertThat(rs.getString(3)).contains("pagesPerSecond").contains("errorsTotal").contains("heartbeatMs");
                assertThat(rs.getInt(4)).isGreaterThanOrEqualTo(0);
                assertThat(rs.getString(5)).isEqualTo("1000"); // a JSON object, not a string
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readinessCoversPostgresAndRabbitMq() {
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("\"status\": \"UP\""))
                .body(containsString("Reactive PostgreSQL"))
                .body(containsString("tasks"))
                .body(containsString("control"));
        given().get("/q/health/live").then().statusCode(200).body(containsString("task-consumer"));
    }

    @Test
    void metricsNameWhatTheWorkerDoes() {
        UUID job = TestJobs.create(Specs.aCrawl().named("metrics").withSeeds(TestSite.get().url("/site/3/metrics/0"))
                .extracting(".product", "name", ".name"));
        TestDispatcher.queueAndPublish(TestJobs.tasks(job).get(0).id(), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(job));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("trawl_scrape_pages_total{outcome=\"succeeded\"")
                .contains("trawl_scrape_fetch_duration_seconds_bucket")
                .contains("trawl_scrape_fetch_bytes_total")
                .contains("trawl_scrape_items_total")
                .contains("trawl_scrape_in_flight")
                .contains("trawl_scrape_queue_wait_seconds");
    }

    private long heartbeatAgeMs() {
        try (var db = TestInfra.db(); var st = db.prepareStatement(
                "SELECT (extract(epoch from now() - last_heartbeat) * 1000)::bigint FROM trawl.workers WHERE id = ?")) {
            st.setString(1, identity.id());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
