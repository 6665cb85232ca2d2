package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.trawl.job.service.WorkerService;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/workers}: lists the fleet's rows, marks stale ones, requires an API key. */
@QuarkusTest
class WorkerResourceTest {

    @Inject
    Pool pool;

    private final String fresh = "test-worker-fresh-" + UUID.randomUUID();
    private final String stale = "test-worker-stale-" + UUID.randomUUID();

    private void insert(String id, long ageSeconds, String stats) {
        pool.preparedQuery("INSERT INTO trawl.workers (id, service, host, version, started_at, last_heartbeat, in_flight, "
                        + "stats) VALUES ($1, 'scrape-service', 'pod-1', '0.1.0', now() - interval '1 hour', now() - $2::bigint * interval '1 second', "
                        + "3, $3::text::jsonb)")
                .execute(Tuple.of(id, ageSeconds, stats)).await().atMost(Duration.ofSeconds(10));
    }

    @AfterEach
    void cleanUp() {
        pool.preparedQuery("DELETE FROM trawl.workers WHERE id = ANY($1)").execute(Tuple.of((Object) new String[] {fresh, stale}))
                .await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void listsWorkersAndMarksStaleOnes() {
        insert(fresh, 1, "{\"pagesPerSecond\": 12.5, \"errorsTotal\": 2, \"heartbeatMs\": 5000}");
        insert(stale, 3600, "{\"pagesPerSecond\": 0, \"errorsTotal\": 0, \"heartbeatMs\": 5000}");

        JsonPath body = given().auth().oauth2("test-key").get("/api/v1/workers").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> items = body.getList("items");
        Map<String, Object> f = items.stream().filter(w -> fresh.equals(w.get("id"))).findFirst().orElseThrow();
        Map<String, Object> s = items.stream().filter(w -> stale.equals(w.get("id"))).findFirst().orElseThrow();
        assertThat(f).containsEntry("status", "active").containsEntry("stale", false).containsEntry("inFlight", 3)
                .containsEntry("service", "scrape-service");
        assertThat(((Map<?, ?>) f.get("stats")).get("pagesPerSecond")).isEqualTo(12.5f);
        assertThat(s).containsEntry("status", "stale").containsEntry("stale", true);
        assertThat(((Number) s.get("heartbeatAgeMs")).longValue()).isGreaterThan(3_000_000L);
    }

    @Test
    void requiresAValidApiKey() {
        given().get("/api/v1/workers").then().statusCode(401);
        given().auth().oauth2("no-such-key").get("/api/v1/workers").then().statusCode(401);
    }

    @Test
    void staleMeansThreeMissedHeartbeats() {
        assertThat(WorkerService.isStale(14_999, 5_000)).isFalse();
        assertThat(WorkerService.isStale(15_001, 5_000)).isTrue();
    }
}
