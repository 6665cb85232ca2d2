package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 11 item 6: seedTemplate expansions are all validated, and expanded and inserted off the event loop. */
@QuarkusTest
class SeedTemplateTest {

    /** Creating 100,000 tasks on the shared test Postgres takes a while; the GETs are what is timed. */
    static final RestAssuredConfig SLOW_POST = RestAssuredConfig.config().httpClient(
            HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 300_000));

    @Inject
    TestDb db;

    @BeforeEach
    @AfterEach
    void clean() {
        db.reset();
    }

    /**
     * A template of as many expansions as the parser accepts ({@value JobSpecParser#MAX_SEEDS}), each about
     * 650 characters long (100 × 100 × 10 values of about 150 characters, {@code a} used twice): 65 MB of
     * URLs from a 32 KB body. (Expansions of 2 KB each would make the test write 600 MB to the shared
     * Postgres.)
     */
    static String maximalTemplate(String name) {
        String filler = "x".repeat(150);
        return """
                {"name": "%s", "seedTemplate": {"url": "https://%s.example/{a}/{b}/{c}?r={a}",
                  "params": {"a": [%s], "b": [%s], "c": [%s]}},
                 "crawl": {"maxPages": %d}}
                """.formatted(name, name, values(filler, 100), values(filler, 100), values(filler, 10),
                JobSpecParser.MAX_SEEDS);
    }

    static String values(String filler, int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"" + filler + i + "\"").collect(Collectors.joining(","));
    }

    @Test
    void threeMaximalTemplatesAtOnceLeaveTheServiceResponsive() throws Exception {
        String other = JobApiTest.create(Specs.simple("other"));
        ExecutorService posts = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> created = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String body = maximalTemplate("load" + i);
                created.add(posts.submit(() -> given().config(SLOW_POST).auth().oauth2(JobApiTest.KEY)
                        .contentType(ContentType.JSON).body(body).post("/api/v1/jobs").then().statusCode(201)
                        .extract().<Integer>path("progress.tasksTotal")));
            }
            List<Long> latencies = new ArrayList<>();
            while (created.stream().anyMatch(f -> !f.isDone())) {
                long start = System.nanoTime();
                given().auth().oauth2(JobApiTest.KEY).get("/api/v1/jobs/" + other).then().statusCode(200);
                latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            for (Future<Integer> f : created) {
                assertThat(f.get()).as("every expansion became a task").isEqualTo(JobSpecParser.MAX_SEEDS);
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            // the premise: the GETs ran while the creates were in progress, not after
            assertThat(sorted).as("GETs measured during the creates").hasSizeGreaterThanOrEqualTo(5);
            // bounds with room for a loaded machine (a median near 100 ms on a busy shared 2-core box), which
            // still fail when a create holds an event loop for seconds
            assertThat(sorted.get(sorted.size() / 2)).as("median GET latency (ms) of %s", sorted).isLessThan(250);
            assertThat(sorted.get(sorted.size() - 1)).as("slowest GET latency (ms) of %s", sorted).isLessThan(2_000);
        } finally {
            posts.shutdownNow();
        }
    }

    @Test
    void anInvalidExpansionThatIsNotTheFirstIsA400NamingTheParameterAndCreatesNothing() {
        List<Long> before = db.footprint();
        // the first expansion (https://a.bad.example/1) is valid; "b c" makes an invalid host
        given().auth().oauth2(JobApiTest.KEY).contentType(ContentType.JSON).body("""
                {"name": "bad", "seedTemplate": {"url": "https://{h}.bad.example/{p}",
                  "params": {"h": ["a", "b c"], "p": ["1", "2"]}}}
                """).post("/api/v1/jobs").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("errors.field", hasItem("seedTemplate.params.h"))
                .body("errors.size()", equalTo(1))
                .body("errors[0].message", containsString("b%20c.bad.example"));
        assertThat(db.footprint()).isEqualTo(before);
    }
}
