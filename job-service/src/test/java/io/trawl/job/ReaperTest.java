package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.trawl.job.dispatch.Dispatcher;
import io.trawl.job.dispatch.SlotSignalListener;
import io.trawl.job.reaper.Reaper;
import io.trawl.job.reaper.RetentionCleaner;
import io.trawl.job.support.FakeWorker;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestBroker;
import io.trawl.job.support.TestDb;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Guarantees 4 and 5 on job-service's side: dead workers' tasks come back, backoff grows, jobs finish once. */
@QuarkusTest
class ReaperTest {

    @Inject
    TestDb db;

    @Inject
    Dispatcher dispatcher;

    @Inject
    Reaper reaper;

    @Inject
    RetentionCleaner retention;

    @Inject
    SlotSignalListener signals;

    FakeWorker worker;

    @BeforeEach
    void setUp() {
        db.reset();
        try (TestBroker broker = new TestBroker()) {
            broker.purgeTasks();
        }
        worker = new FakeWorker(db);
    }

    static UUID create(String spec) {
        return UUID.fromString(given().auth().oauth2("test-key").contentType("application/json").body(spec)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    void dispatchAll() {
        while (dispatcher.dispatchOnce().await().atMost(Duration.ofSeconds(30)) > 0) {
            // until nothing is due
        }
    }

    List<Long> taskIds(UUID job) {
        return db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1 ORDER BY id", job).stream().map(r -> r.getLong(0)).toList();
    }

    Row task(long id) {
        return db.rows("SELECT state, attempt, next_attempt_at - now() AS wait, last_error, lease_token "
                + "FROM trawl.tasks WHERE id = $1", id).get(0);
    }

    List<String> eventTypes(UUID job) {
        return db.rows("SELECT type FROM trawl.job_events WHERE job_id = $1 ORDER BY seq", job).stream()
                .map(r -> r.getString(0)).toList();
    }

    @Test
    void anExpiredLeaseRequeuesWithGrowingBackoffUntilAttemptsRunOut() {
        UUID job = create(Specs.pages("lease", "lease.example", 1, 1, 0)); // maxAttempts 3
        long id = taskIds(job).get(0);
        List<Long> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            db.update("UPDATE trawl.tasks SET next_attempt_at = now() WHERE id = $1", id);
            dispatchAll();
            assertThat(worker.claim(id, 60_000)).isTrue();
            worker.expireLease(id);
            assertThat(reaper.expireLeases().await().atMost(Duration.ofSeconds(30))).isEqualTo(1);
            Row row = task(id);
            assertThat(row.getInteger("attempt")).isEqualTo(attempt);
            assertThat(row.getString("last_error")).contains("lease expired");
            assertThat(row.getValue("lease_token")).isNull();
            if (attempt < 3) {
                assertThat(row.getString("state")).isEqualTo("pending");
                long waitMs = ((io.vertx.pgclient.data.Interval) row.getValue("wait")).toDuration().toMillis();
                waits.add(waitMs);
            } else {
                assertThat(row.getString("state")).isEqualTo("failed");
            }
        }
        // base 2 s ±25 % after attempt 1, 4 s ±25 % after attempt 2
        assertThat(waits.get(0)).isBetween(1_000L, 2_600L);
        assertThat(waits.get(1)).isBetween(2_900L, 5_100L);
        assertThat(eventTypes(job)).containsSubsequence("task.retrying", "task.retrying", "task.failed");
        assertThat(db.count("SELECT tasks_failed FROM trawl.jobs WHERE id = $1", job)).isEqualTo(1);

        // no task is open any more: the job fails (every task failed)
        reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30));
        assertThat(eventTypes(job)).last().isEqualTo("job.failed");
    }

    @Test
    void aLiveLeaseIsLeftAlone() {
        UUID job = create(Specs.pages("live", "live.example", 1, 1, 0));
        dispatchAll();
        long id = taskIds(job).get(0);
        worker.claim(id, 60_000);
        assertThat(reaper.expireLeases().await().atMost(Duration.ofSeconds(30))).isZero();
        assertThat(task(id).getString("state")).isEqualTo("running");
    }

    @Test
    void aSignalNamingAJobWhoseLastTaskWasCountedCompletesItWithoutAReaperRound() throws Exception {
        UUID job = create(Specs.pages("prompt", "prompt.example", 1, 1, 0)); // the reaper's round is off in tests
        dispatchAll();
        long id = taskIds(job).get(0);
        worker.claim(id, 60_000);
        signals.onSignal(job.toString()); // its task still runs: nothing to complete
        Thread.sleep(300);
        assertThat(status(job)).isEqualTo("running");

        worker.succeed(id);
        signals.onSignal("not-a-job-id"); // ignored
        signals.onSignal(job.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"completed".equals(status(job)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(status(job)).isEqualTo("completed");
        signals.onSignal(job.toString()); // a late duplicate
        Thread.sleep(300);
        assertThat(eventTypes(job).stream().filter(t -> t.equals("job.completed")).count()).isEqualTo(1);
    }

    String status(UUID job) {
        return db.rows("SELECT status FROM trawl.jobs WHERE id = $1", job).get(0).getString(0);
    }

    @Test
    void aJobCompletesExactlyOnceWithSeveralReapersRacing() throws Exception {
        UUID job = create(Specs.pages("once", "once.example", 20, 8, 0));
        dispatchAll();
        while (!taskIds(job).stream().allMatch(t -> "succeeded".equals(task(t).getString("state")))) {
            for (long t : taskIds(job)) {
                worker.claim(t, 60_000);
                worker.succeed(t);
            }
            dispatchAll();
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(threads.submit(() -> reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30))));
            }
            int completed = 0;
            for (Future<Integer> run : runs) {
                completed += run.get();
            }
            assertThat(completed).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(eventTypes(job).stream().filter(t -> t.equals("job.completed")).count()).isEqualTo(1);
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + job).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("completed"))
                .body("progress.percent", org.hamcrest.Matchers.equalTo(100.0f))
                .body("finishedAt", org.hamcrest.Matchers.notNullValue());
        assertThat(reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aJobWithOpenTasksDoesNotComplete() {
        UUID job = create(Specs.pages("open", "open.example", 3, 8, 0));
        dispatchAll();
        long first = taskIds(job).get(0);
        worker.claim(first, 60_000);
        worker.succeed(first);
        assertThat(reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aQueuedTaskWhoseMessageWasLostIsDispatchedAgain() {
        UUID job = create(Specs.pages("lost", "lost.example", 2, 8, 0));
        dispatchAll();
        long id = taskIds(job).get(0);
        db.update("UPDATE trawl.tasks SET queued_at = now() - interval '1 hour' WHERE id = $1", id);
        assertThat(reaper.requeueLostMessages().await().atMost(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(task(id).getString("state")).isEqualTo("pending");
        assertThat(task(taskIds(job).get(1)).getString("state")).isEqualTo("queued");
        dispatchAll();
        assertThat(task(id).getString("state")).isEqualTo("queued");
    }

    @Test
    void runningJobsReportProgressOnlyWhenSomethingChanged() {
        UUID job = create(Specs.pages("progress", "progress.example", 2, 8, 0));
        dispatchAll();
        assertThat(reaper.emitProgress().await().atMost(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(reaper.emitProgress().await().atMost(Duration.ofSeconds(30))).isZero();
        assertThat(db.rows("SELECT data->>'tasksTotal' FROM trawl.job_events WHERE job_id = $1 AND type = 'job.progress'",
                job)).singleElement().satisfies(r -> assertThat(r.getString(0)).isEqualTo("2"));
    }

    @Test
    void retentionDeletesResultsAndEventsOfOldJobsOnly() {
        UUID old = create(Specs.simple("old"));
        UUID recent = create(Specs.simple("recent"));
        for (UUID job : List.of(old, recent)) {
            long t = taskIds(job).get(0);
            db.update("INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) SELECT $1, $2, 'u', g, '{}' "
                    + "FROM generate_series(1, 12000) g", job, t);
        }
        db.update("UPDATE trawl.jobs SET status = 'completed', finished_at = now() - interval '40 days' WHERE id = $1", old);
        db.update("UPDATE trawl.jobs SET status = 'completed', finished_at = now() - interval '1 day' WHERE id = $1", recent);
        assertThat(retention.purgeOnce().await().atMost(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM trawl.items WHERE job_id = $1", old)).isZero();
        assertThat(db.count("SELECT count(*) FROM trawl.job_events WHERE job_id = $1", old)).isZero();
        assertThat(db.count("SELECT count(*) FROM trawl.items WHERE job_id = $1", recent)).isEqualTo(12000);
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + old).then().statusCode(200)
                .body("purgedAt", org.hamcrest.Matchers.notNullValue()).body("status", org.hamcrest.Matchers.equalTo("completed"));
        assertThat(retention.purgeOnce().await().atMost(Duration.ofSeconds(60))).isZero();
    }

    @Test
    void retentionReChecksUnderTheJobLockSoARetryThatCommitsFirstWins() throws Exception {
        UUID job = create(Specs.simple("raced"));
        long t = taskIds(job).get(0);
        db.update("INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) SELECT $1, $2, 'u', g, '{}' "
                + "FROM generate_series(1, 50) g", job, t);
        db.update("UPDATE trawl.jobs SET status = 'failed', finished_at = now() - interval '40 days' WHERE id = $1", job);
        long events = db.count("SELECT count(*) FROM trawl.job_events WHERE job_id = $1", job);

        // a retry is under way: it holds the job row and will commit the job running again
        io.vertx.mutiny.sqlclient.SqlConnection retry = db.pool().getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            retry.query("BEGIN").execute().await().atMost(Duration.ofSeconds(10));
            retry.preparedQuery("SELECT id FROM trawl.jobs WHERE id = $1 FOR UPDATE")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(job)).await().atMost(Duration.ofSeconds(10));
            java.util.concurrent.CompletableFuture<Integer> purge = retention.purgeOnce().subscribeAsCompletionStage();
            // retention reaches the job row and waits for the retry's lock
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> db.count(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") > 0);
            retry.preparedQuery("UPDATE trawl.jobs SET status = 'running', finished_at = NULL WHERE id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(job)).await().atMost(Duration.ofSeconds(10));
            retry.query("COMMIT").execute().await().atMost(Duration.ofSeconds(10));
            assertThat(purge.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        } finally {
            retry.close().await().atMost(Duration.ofSeconds(10));
        }
        assertThat(db.count("SELECT count(*) FROM trawl.items WHERE job_id = $1", job)).isEqualTo(50);
        assertThat(db.count("SELECT count(*) FROM trawl.job_events WHERE job_id = $1", job)).isEqualTo(events);
        assertThat(db.count("SELECT count(*) FROM trawl.jobs WHERE id = $1 AND purged_at IS NULL", job)).isOne();
    }

    @Test
    void aRetryAfterRetentionPurgedTheJobIsRefusedAndChangesNothing() {
        UUID job = create(Specs.simple("purged"));
        db.update("UPDATE trawl.jobs SET status = 'failed', tasks_failed = 1, finished_at = now() - interval '40 days' "
                + "WHERE id = $1", job);
        db.update("UPDATE trawl.tasks SET state = 'failed' WHERE job_id = $1", job);
        assertThat(retention.purgeOnce().await().atMost(Duration.ofSeconds(60))).isEqualTo(1);
        given().auth().oauth2("test-key").post("/api/v1/jobs/" + job + "/retry").then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("purged by retention"));
        assertThat(db.count("SELECT count(*) FROM trawl.jobs WHERE id = $1 AND status = 'failed'", job)).isOne();
        assertThat(db.count("SELECT count(*) FROM trawl.job_events WHERE job_id = $1", job)).isZero();
    }
}
