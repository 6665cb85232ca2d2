package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trawl.job.service.ScheduleFirer;
import io.trawl.job.support.TestDb;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 6: a schedule fires once per due time across replicas; misfires within the grace run late
 * (coalesced), beyond it they are recorded as missed; overlap policies; the API. Time is a parameter:
 * the tests call {@link ScheduleFirer#fireDue(Instant)} with the instants they choose.
 */
@QuarkusTest
class ScheduleTest {

    static final String TEMPLATE = "{\"name\":\"nightly\",\"seeds\":[\"https://a.example/\"]}";

    @Inject
    TestDb db;

    @Inject
    ScheduleFirer firer;

    @BeforeEach
    void clean() {
        db.reset();
    }

    static String schedule(String cron, String zone, String grace, String overlap) {
        return """
                {"name": "every minute", "cron": "%s", "timezone": "%s", "misfireGrace": "%s", "overlap": "%s",
                 "template": %s}
                """.formatted(cron, zone, grace, overlap, TEMPLATE);
    }

    static UUID create(String body) {
        return UUID.fromString(given().auth().oauth2("test-key").contentType("application/json").body(body)
                .post("/api/v1/schedules").then().statusCode(201).extract().path("id"));
    }

    Instant nextFire(UUID id) {
        return db.rows("SELECT next_fire_at FROM trawl.schedules WHERE id = $1", id).get(0).getOffsetDateTime(0).toInstant();
    }

    int fire(Instant now) {
        return firer.fireDue(now).await().atMost(Duration.ofSeconds(60));
    }

    List<Row> runs(UUID id) {
        return db.rows("SELECT fire_time, outcome, reason, job_id, due_times FROM trawl.schedule_runs "
                + "WHERE schedule_id = $1 ORDER BY fire_time", id);
    }

    List<Row> jobs(UUID scheduleId) {
        return db.rows("SELECT id, fire_time, status FROM trawl.jobs WHERE schedule_id = $1 ORDER BY fire_time", scheduleId);
    }

    @Test
    void createShowsTheNextFiveFireTimesAndDefaults() {
        Response created = given().auth().oauth2("test-key").contentType("application/json")
                .body("{\"name\":\"n\",\"cron\":\"0 0 9 ? * MON-FRI\",\"timezone\":\"Europe/Berlin\",\"template\":"
                        + TEMPLATE + "}")
                .post("/api/v1/schedules");
        created.then().statusCode(201)
                .body("nextFireTimes", hasSize(5))
                .body("misfireGrace", equalTo("PT5M"))
                .body("overlap", equalTo("skip"))
                .body("enabled", equalTo(true))
                .body("template.name", equalTo("nightly"));
        List<String> times = created.path("nextFireTimes");
        for (String t : times) {
            var local = Instant.parse(t).atZone(java.time.ZoneId.of("Europe/Berlin"));
            assertThat(local.getHour()).isEqualTo(9);
            assertThat(local.getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
        }
        String id = created.path("id");
        given().auth().oauth2("test-key").get("/api/v1/schedules/" + id).then().statusCode(200).body("name", equalTo("n"));
        given().auth().oauth2("other-key").get("/api/v1/schedules/" + id).then().statusCode(404);
        given().auth().oauth2("test-key").get("/api/v1/schedules").then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void invalidSchedulesAreRejectedWithEveryBadField() {
        Response r = given().auth().oauth2("test-key").contentType("application/json")
                .body("{\"name\":\"\",\"cron\":\"every day\",\"timezone\":\"Mars/Olympus\",\"misfireGrace\":\"P30D\","
                        + "\"overlap\":\"sometimes\",\"colour\":1,\"template\":{\"name\":\"x\",\"seeds\":[\"ftp://x\"]}}")
                .post("/api/v1/schedules");
        r.then().statusCode(400).contentType("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field", String.class)).contains("name", "timezone", "misfireGrace",
                "overlap", "colour", "template.seeds[0]");
        given().auth().oauth2("test-key").contentType("application/json")
                .body(schedule("0 0 25 * * ?", "UTC", "PT1M", "skip")).post("/api/v1/schedules").then().statusCode(400)
                .body("errors[0].field", equalTo("cron"));
        given().auth().oauth2("test-key").contentType("application/json")
                .body(schedule("0 0 0 30 2 ?", "UTC", "PT1M", "skip")).post("/api/v1/schedules").then().statusCode(400)
                .body("errors[0].message", equalTo("never fires"));
        assertThat(db.count("SELECT count(*) FROM trawl.schedules")).isZero();
    }

    @Test
    void twoSchedulersTickingTogetherCreateExactlyOneJobPerDueSchedule() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(create(schedule("0 * * * * ?", "UTC", "PT10M", "allow")));
        }
        Instant now = ids.stream().map(this::nextFire).max(Instant::compareTo).orElseThrow().plusSeconds(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        int created = 0;
        try {
            List<Future<Integer>> ticks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ticks.add(threads.submit(() -> fire(now)));
            }
            for (Future<Integer> f : ticks) {
                created += f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(created).isEqualTo(200);
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isEqualTo(200);
        assertThat(db.count("SELECT count(DISTINCT schedule_id) FROM trawl.jobs")).isEqualTo(200);
        assertThat(db.count("SELECT count(*) FROM trawl.schedule_runs WHERE outcome = 'fired'")).isEqualTo(200);
        // a second tick at the same time finds nothing due
        assertThat(fire(now)).isZero();
        assertThat(db.count("SELECT count(*) FROM trawl.schedules WHERE next_fire_at <= $1",
                now.atOffset(java.time.ZoneOffset.UTC))).isZero();
    }

    @Test
    void fiveMissedFiresWithinTheGraceCoalesceIntoOneLateRun() {
        UUID id = create(schedule("0 * * * * ?", "UTC", "PT10M", "skip"));
        Instant first = nextFire(id);
        assertThat(fire(first.plusSeconds(4 * 60 + 30))).isEqualTo(1);
        List<Row> jobs = jobs(id);
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).getOffsetDateTime("fire_time").toInstant()).isEqualTo(first.plusSeconds(240));
        assertThat(runs(id)).singleElement().satisfies(run -> {
            assertThat(run.getString("outcome")).isEqualTo("fired");
            assertThat(run.getInteger("due_times")).isEqualTo(5);
            assertThat(run.getString("reason")).contains("coalesced 5 due times");
        });
        assertThat(nextFire(id)).isEqualTo(first.plusSeconds(300));
        // the job says where it came from
        assertThat(db.rows("SELECT data->>'scheduleId', data->>'fireTime' FROM trawl.job_events WHERE job_id = $1",
                jobs.get(0).getUUID("id"))).singleElement().satisfies(r -> {
                    assertThat(r.getString(0)).isEqualTo(id.toString());
                    assertThat(r.getString(1)).isEqualTo(first.plusSeconds(240).toString());
                });
    }

    @Test
    void dueTimesBeyondTheGraceAreRecordedAsMissedNotRun() {
        UUID id = create(schedule("0 * * * * ?", "UTC", "PT2M", "skip"));
        Instant first = nextFire(id);
        fire(first.plusSeconds(4 * 60 + 30));
        List<Row> runs = runs(id);
        assertThat(runs).extracting(r -> r.getString("outcome") + "x" + r.getInteger("due_times"))
                .containsExactly("missedx3", "firedx2");
        assertThat(runs.get(0).getString("reason")).contains("misfire grace");
        assertThat(jobs(id)).hasSize(1);

        UUID late = create(schedule("0 * * * * ?", "UTC", "PT30S", "skip"));
        Instant lateFirst = nextFire(late);
        assertThat(fire(lateFirst.plusSeconds(10 * 60 + 40))).isZero();
        assertThat(jobs(late)).isEmpty();
        assertThat(runs(late)).singleElement().satisfies(r -> {
            assertThat(r.getString("outcome")).isEqualTo("missed");
            assertThat(r.getInteger("due_times")).isEqualTo(11);
        });
    }

    @Test
    void clientIdempotencyKeysInTheScheduleNamespaceAreRejected() {
        UUID id = create(schedule("0 * * * * ?", "UTC", "PT10M", "skip"));
        Instant first = nextFire(id);
        for (String key : List.of("schedule:" + id + ":" + first, "Schedule:anything")) {
            given().auth().oauth2("test-key").contentType("application/json").header("Idempotency-Key", key)
                    .body(TEMPLATE).post("/api/v1/jobs")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("reserved for schedule fires"));
        }
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isZero();
        // the fire itself still gets its own job
        assertThat(fire(first)).isEqualTo(1);
    }

    @Test
    void oneFailingScheduleIsRecordedAsAFailedRunAndTheOthersStillFire() {
        UUID broken = create(schedule("0 * * * * ?", "UTC", "PT10M", "skip"));
        UUID healthy = create(schedule("0 * * * * ?", "UTC", "PT10M", "skip"));
        Instant first = nextFire(healthy);
        // the broken one is due first (handled first) and its stored template no longer parses
        db.update("UPDATE trawl.schedules SET template = '{\"seeds\": 42}'::json, next_fire_at = $2 WHERE id = $1",
                broken, first.minusSeconds(60).atOffset(java.time.ZoneOffset.UTC));
        assertThat(fire(first.plusSeconds(1))).isEqualTo(1);
        assertThat(jobs(healthy)).hasSize(1);
        assertThat(jobs(broken)).isEmpty();
        assertThat(runs(broken)).singleElement().satisfies(run -> {
            assertThat(run.getString("outcome")).isEqualTo("failed");
            assertThat(run.getString("reason")).contains("could not handle this fire");
        });
        // advanced past now: the next tick does not fail on it again
        assertThat(nextFire(broken)).isEqualTo(first.plusSeconds(60));
        assertThat(fire(first.plusSeconds(2))).isZero();
        assertThat(runs(broken)).hasSize(1);
    }

    @Test
    void afterLongDowntimeOfAnEverySecondCronTheLatestDueTimeStillRuns() {
        UUID id = create(schedule("* * * * * ?", "UTC", "PT5M", "allow"));
        Instant first = nextFire(id);
        Instant now = first.plus(Duration.ofHours(4)); // 14,400 due times
        assertThat(fire(now)).isEqualTo(1);
        assertThat(jobs(id)).singleElement()
                .satisfies(j -> assertThat(j.getOffsetDateTime("fire_time").toInstant()).isEqualTo(now));
        assertThat(runs(id)).extracting(r -> r.getString("outcome")).containsExactly("missed", "fired");
        assertThat(runs(id).get(0).getString("reason")).startsWith("at least 10000 due time(s)");
        assertThat(nextFire(id)).isEqualTo(now.plusSeconds(1));
    }

    @Test
    void daylightSavingNightFiresOnceAtTheEndOfTheGap() {
        UUID id = create(schedule("0 30 2 * * ?", "Europe/Berlin", "PT5M", "allow"));
        db.update("UPDATE trawl.schedules SET next_fire_at = '2026-03-29T01:00:00Z' WHERE id = $1", id);
        assertThat(fire(Instant.parse("2026-03-29T01:00:30Z"))).isEqualTo(1);
        assertThat(nextFire(id)).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
        assertThat(fire(Instant.parse("2026-03-29T23:00:00Z"))).isZero();

        UUID back = create(schedule("0 30 1 * * ?", "America/New_York", "PT5M", "allow"));
        db.update("UPDATE trawl.schedules SET next_fire_at = '2026-11-01T05:30:00Z' WHERE id = $1", back);
        assertThat(fire(Instant.parse("2026-11-01T05:31:00Z"))).isEqualTo(1);
        // the second 01:30 of that night (06:30Z) does not fire
        assertThat(nextFire(back)).isEqualTo(Instant.parse("2026-11-02T06:30:00Z"));
        assertThat(fire(Instant.parse("2026-11-01T06:31:00Z"))).isZero();
    }

    @Test
    void overlapSkipRecordsWhyAndQueueRunsWhenThePreviousFinishes() {
        UUID skip = create(schedule("0 * * * * ?", "UTC", "PT10M", "skip"));
        UUID queue = create(schedule("0 * * * * ?", "UTC", "PT10M", "queue"));
        UUID allow = create(schedule("0 * * * * ?", "UTC", "PT10M", "allow"));
        Instant t0 = List.of(skip, queue, allow).stream().map(this::nextFire).max(Instant::compareTo).orElseThrow();
        fire(t0.plusSeconds(1));
        // the first jobs are still pending: the next minute overlaps them
        fire(t0.plusSeconds(61));
        assertThat(jobs(skip)).hasSize(1);
        assertThat(runs(skip)).last().satisfies(r -> {
            assertThat(r.getString("outcome")).isEqualTo("skipped");
            assertThat(r.getString("reason")).contains("still running");
        });
        assertThat(jobs(allow)).hasSize(2);
        assertThat(jobs(queue)).hasSize(1);
        assertThat(runs(queue)).last().satisfies(r -> assertThat(r.getString("outcome")).isEqualTo("queued"));
        // a third due time while one is queued is skipped
        fire(t0.plusSeconds(121));
        assertThat(runs(queue)).last().satisfies(r -> assertThat(r.getString("reason")).contains("already queued"));
        assertThat(jobs(queue)).hasSize(1);

        // the previous job ends: the queued fire runs on the next tick, with its own fire time
        UUID previous = jobs(queue).get(0).getUUID("id");
        given().auth().oauth2("test-key").post("/api/v1/jobs/" + previous + "/kill").then().statusCode(200);
        fire(t0.plusSeconds(125));
        List<Row> queuedJobs = jobs(queue);
        assertThat(queuedJobs).hasSize(2);
        assertThat(queuedJobs.get(1).getOffsetDateTime("fire_time").toInstant()).isEqualTo(t0.plusSeconds(60));
        assertThat(runs(queue)).filteredOn(r -> r.getOffsetDateTime("fire_time").toInstant().equals(t0.plusSeconds(60)))
                .singleElement().satisfies(r -> assertThat(r.getString("outcome")).isEqualTo("fired"));
        assertThat(db.rows("SELECT queued_fire_at FROM trawl.schedules WHERE id = $1", queue).get(0).getValue(0)).isNull();
    }

    @Test
    void triggerPauseResumeStatusAndDelete() {
        UUID id = create(schedule("0 0 3 * * ?", "UTC", "PT5M", "skip"));
        Response trigger = given().auth().oauth2("test-key").post("/api/v1/schedules/" + id + "/trigger");
        trigger.then().statusCode(201);
        UUID job = UUID.fromString(trigger.path("jobId"));
        assertThat(runs(id)).singleElement().satisfies(r -> assertThat(r.getString("reason")).isEqualTo("manual trigger"));
        given().auth().oauth2("test-key").get("/api/v1/scheduler/status").then().statusCode(200)
                .body("schedules[0].lastJob.id", equalTo(job.toString()))
                .body("schedules[0].lastJob.status", equalTo("pending"));
        given().auth().oauth2("test-key").get("/api/v1/schedules/" + id + "/runs").then().statusCode(200)
                .body("items[0].outcome", equalTo("fired")).body("items[0].jobId", equalTo(job.toString()));

        given().auth().oauth2("test-key").post("/api/v1/schedules/" + id + "/pause").then().statusCode(200)
                .body("enabled", equalTo(false));
        assertThat(fire(Instant.now().plus(Duration.ofDays(2)))).isZero();
        given().auth().oauth2("test-key").post("/api/v1/schedules/" + id + "/resume").then().statusCode(200)
                .body("enabled", equalTo(true)).body("nextFireTimes", hasSize(5));
        assertThat(runs(id)).hasSize(1);

        given().auth().oauth2("test-key").delete("/api/v1/schedules/" + id).then().statusCode(204);
        given().auth().oauth2("test-key").get("/api/v1/schedules/" + id).then().statusCode(404);
        given().auth().oauth2("test-key").delete("/api/v1/schedules/" + id).then().statusCode(404);
        // the job it started is untouched
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + job).then().statusCode(200).body("status", equalTo("pending"));
    }

    @Test
    void replaceRecomputesTheNextFire() {
        UUID id = create(schedule("0 0 3 * * ?", "UTC", "PT5M", "skip"));
        given().auth().oauth2("test-key").contentType("application/json")
                .body(schedule("0 15 4 * * ?", "Asia/Tokyo", "PT1M", "allow")).put("/api/v1/schedules/" + id)
                .then().statusCode(200).body("timezone", equalTo("Asia/Tokyo")).body("overlap", equalTo("allow"));
        assertThat(nextFire(id).atZone(java.time.ZoneId.of("Asia/Tokyo")).getHour()).isEqualTo(4);
        given().auth().oauth2("other-key").contentType("application/json")
                .body(schedule("0 15 4 * * ?", "UTC", "PT1M", "allow")).put("/api/v1/schedules/" + id)
                .then().statusCode(404);
    }
}
