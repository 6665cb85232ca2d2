package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job API end to end over HTTP against the real database (guarantee 1, tenancy, idempotency). */
@QuarkusTest
class JobApiTest {

    static final String KEY = "test-key";
    static final String OTHER_KEY = "other-key";

    @Inject
    TestDb db;

    @BeforeEach
    void clean() {
        db.reset();
    }

    static String create(String body) {
        return given().auth().oauth2(KEY).contentType(ContentType.JSON).body(body)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    @Test
    void createdJobIsStoredPendingBeforeTheResponse() {
        Response response = given().auth().oauth2(KEY).contentType(ContentType.JSON).body(Specs.simple("first"))
                .post("/api/v1/jobs");
        response.then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/jobs/" + response.path("id")))
                .body("status", equalTo("pending"))
                .body("progress.tasksTotal", equalTo(2))
                .body("links.events", equalTo("/api/v1/jobs/" + response.path("id") + "/events"))
                .body("spec.limits.maxAttempts", equalTo(4));
        UUID id = UUID.fromString(response.path("id"));
        // read right after the response, on another connection: committed, pending, with its tasks and event
        List<Row> job = db.rows("SELECT status, tenant, tasks_total, event_seq FROM trawl.jobs WHERE id = $1", id);
        assertThat(job).hasSize(1);
        assertThat(job.get(0).getString("status")).isEqualTo("pending");
        assertThat(job.get(0).getString("tenant")).isEqualTo("acme");
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", id)).isEqualTo(2);
        assertThat(db.rows("SELECT type FROM trawl.job_events WHERE job_id = $1", id))
                .extracting(r -> r.getString(0)).containsExactly("job.created");
    }

    @Test
    void getShowsCountersAndTaskStates() {
        String id = create(Specs.simple("get"));
        given().auth().oauth2(KEY).get("/api/v1/jobs/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("name", equalTo("get"))
                .body("tasks.pending", equalTo(2))
                .body("tasks.succeeded", equalTo(0))
                .body("progress.percent", equalTo(0.0f))
                .body("createdAt", notNullValue())
                .body("lastEventSeq", equalTo(1));
    }

    @Test
    void getPairsTheCountersWithTheTaskStatesOfTheSameMoment() throws Exception {
        int n = 300;
        UUID id = UUID.fromString(create(Specs.pages("snapshot", "127.0.0.1", n, 8, 0)));
        List<Long> taskIds = db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1 ORDER BY id", id).stream()
                .map(r -> r.getLong(0)).toList();
        // a worker's outcome commit: the task's state and the job's counter in one transaction, one task at a time
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> outcomes = writer.submit(() -> taskIds.forEach(task -> db.pool().withTransaction(tx -> tx
                        .preparedQuery("UPDATE trawl.tasks SET state = 'succeeded', finished_at = now() WHERE id = $1")
                        .execute(io.vertx.mutiny.sqlclient.Tuple.of(task))
                        .chain(() -> tx.preparedQuery("UPDATE trawl.jobs SET tasks_done = tasks_done + 1 WHERE id = $1")
                                .execute(io.vertx.mutiny.sqlclient.Tuple.of(id))))
                .await().indefinitely()));
        List<int[]> seen = new ArrayList<>();
        try {
            while (!outcomes.isDone()) {
                Response job = given().auth().oauth2(KEY).get("/api/v1/jobs/" + id);
                job.then().statusCode(200);
                seen.add(new int[] {job.path("progress.tasksDone"), job.path("tasks.succeeded")});
            }
            outcomes.get();
        } finally {
            writer.shutdownNow();
        }
        assertThat(seen).as("reads while the outcomes committed").filteredOn(s -> s[0] > 0 && s[0] < n).isNotEmpty();
        assertThat(seen).allSatisfy(s -> assertThat(s[1]).as("succeeded tasks beside tasksDone %d", s[0])
                .isEqualTo(s[0]));
    }

    @Test
    void listPagesNewestFirstWithACursorAndFiltersByStatus() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(Specs.simple("job" + i)));
        }
        given().auth().oauth2(KEY).post("/api/v1/jobs/" + ids.get(0) + "/kill").then().statusCode(200);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = given().auth().oauth2(KEY).queryParam("limit", 2);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/jobs");
            page.then().statusCode(200);
            seen.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);

        given().auth().oauth2(KEY).queryParam("status", "killed").get("/api/v1/jobs").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(ids.get(0)));
    }

    @Test
    void aTenantNeverSeesAnotherTenantsJobs() {
        String id = create(Specs.simple("mine"));
        given().auth().oauth2(OTHER_KEY).get("/api/v1/jobs/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(OTHER_KEY).post("/api/v1/jobs/" + id + "/kill").then().statusCode(404);
        given().auth().oauth2(OTHER_KEY).get("/api/v1/jobs/" + id + "/tasks").then().statusCode(404);
        given().auth().oauth2(OTHER_KEY).get("/api/v1/jobs/" + id + "/results").then().statusCode(404);
        given().auth().oauth2(OTHER_KEY).accept("text/csv").get("/api/v1/jobs/" + id + "/results").then()
                .statusCode(404);
        given().auth().oauth2(OTHER_KEY).get("/api/v1/jobs").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        assertThat(db.count("SELECT count(*) FROM trawl.jobs WHERE status = 'pending'")).isEqualTo(1);
    }

    @Test
    void idempotencyKeyReturnsTheFirstJobAndRejectsADifferentBody() {
        String body = Specs.simple("idem");
        Response first = given().auth().oauth2(KEY).header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body(body).post("/api/v1/jobs");
        first.then().statusCode(201);
        // same effective body, different whitespace and key order
        String reordered = "{ \"extract\":{\"fields\":{\"title\":\"h1\",\"price\":\".price\"}},"
                + "  \"seeds\":[\"https://a.example/1\",\"https://a.example/2\"], \"name\":\"idem\" }";
        given().auth().oauth2(KEY).header("Idempotency-Key", "k-1").contentType(ContentType.JSON).body(reordered)
                .post("/api/v1/jobs").then().statusCode(201)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(first.path("id")));
        given().auth().oauth2(KEY).header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body(Specs.simple("other name")).post("/api/v1/jobs").then().statusCode(422)
                .contentType("application/problem+json");
        // the same key of another tenant is another job
        given().auth().oauth2(OTHER_KEY).header("Idempotency-Key", "k-1").contentType(ContentType.JSON).body(body)
                .post("/api/v1/jobs").then().statusCode(201)
                .body("id", org.hamcrest.Matchers.not(equalTo(first.path("id"))));
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM trawl.job_events")).isEqualTo(2);
    }

    @Test
    void concurrentIdenticalSubmissionsCreateOneJob() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> given().auth().oauth2(KEY).header("Idempotency-Key", "race")
                        .contentType(ContentType.JSON).body(Specs.simple("race")).post("/api/v1/jobs")
                        .then().statusCode(201).extract().path("id"));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM trawl.tasks")).isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM trawl.job_events")).isEqualTo(1);
    }

    @Test
    void tasksArePagedAndFilteredByState() {
        String id = create(Specs.pages("tasks", "t.example", 7, 4, 0));
        UUID job = UUID.fromString(id);
        db.update("UPDATE trawl.tasks SET state = 'failed', attempt = 3, last_error = 'HTTP 404', http_status = 404 "
                + "WHERE job_id = $1 AND url LIKE '%/p1'", job);
        List<String> urls = new ArrayList<>();
        String cursor = null;
        do {
            var spec = given().auth().oauth2(KEY).queryParam("limit", 3);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/jobs/" + id + "/tasks");
            page.then().statusCode(200);
            urls.addAll(page.path("items.url"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertThat(urls).hasSize(7).doesNotHaveDuplicates();
        given().auth().oauth2(KEY).queryParam("state", "failed").get("/api/v1/jobs/" + id + "/tasks").then()
                .statusCode(200)
                .body("items.url", org.hamcrest.Matchers.contains("http://t.example/p1"))
                .body("items[0].lastError", equalTo("HTTP 404"))
                .body("items[0].attempt", equalTo(3))
                .body("items[0].httpStatus", equalTo(404));
    }

    @Test
    void resultsArePagedAsJsonAndStreamedAsNdjsonAndCsv() {
        String id = create(Specs.simple("results"));
        UUID job = UUID.fromString(id);
        long task = db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1 ORDER BY id LIMIT 1", job).get(0).getLong(0);
        int n = 2_503;
        db.update("INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) "
                + "SELECT $1, $2, 'https://a.example/1', g, jsonb_build_object('title', 'Item ' || g, "
                + "'price', CASE WHEN g = 7 THEN 'a, \"quoted\" one' ELSE (g * 10)::text END) "
                + "FROM generate_series(0, $3 - 1) g", job, task, n);

        List<Integer> ordinals = new ArrayList<>();
        String cursor = null;
        do {
            var spec = given().auth().oauth2(KEY).queryParam("limit", 500);
            if (cursor != null) {
                spec.queryParam("cursor", cursor);
            }
            Response page = spec.get("/api/v1/jobs/" + id + "/results");
            page.then().statusCode(200);
            ordinals.addAll(page.path("items.ordinal"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertThat(ordinals).hasSize(n).doesNotHaveDuplicates();
        given().auth().oauth2(KEY).queryParam("limit", 1).get("/api/v1/jobs/" + id + "/results").then()
                .body("items[0].data.title", equalTo("Item 0"))
                .body("items[0].url", equalTo("https://a.example/1"));

        String ndjson = given().auth().oauth2(KEY).accept("application/x-ndjson").get("/api/v1/jobs/" + id + "/results")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("application/x-ndjson"))
                .extract().asString();
        String[] lines = ndjson.split("\n");
        assertThat(lines).hasSize(n);
        assertThat(lines[0]).isEqualTo("{\"url\":\"https://a.example/1\",\"taskId\":" + task
                + ",\"ordinal\":0,\"data\":{\"price\":\"0\",\"title\":\"Item 0\"}}");

        String csv = given().auth().oauth2(KEY).accept("text/csv").get("/api/v1/jobs/" + id + "/results")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .extract().asString();
        String[] rows = csv.split("\r\n");
        assertThat(rows).hasSize(n + 1);
        assertThat(rows[0]).isEqualTo("url,title,price");
        assertThat(rows[1]).isEqualTo("https://a.example/1,Item 0,0");
        assertThat(rows[8]).isEqualTo("https://a.example/1,Item 7,\"a, \"\"quoted\"\" one\"");
    }

    @Test
    void openApiAndHealthAreServed() {
        given().get("/q/openapi").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/api/v1/jobs"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("trawl_rabbitmq_publish_latency"));
    }
}
