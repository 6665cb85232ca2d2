package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trawl.common.task.TaskWriter;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 3, the reader's side: a results or task listing (the real resources and repositories, over
 * HTTP) read while a writer's insert is still uncommitted does not skip that row once it commits. Both writers
 * (the worker's outcome transaction, {@code TaskWriter}) lock the job row before inserting, so a second writer
 * of the job waits for the first and every row of the job is given its id in commit order. Tasks are inserted
 * with the real {@link TaskWriter}; the job lock that precedes it is the worker's, which lives in scrape-service
 * and is replayed here ({@code SELECT status FROM trawl.jobs WHERE id = $1 FOR UPDATE}), as is its item insert.
 * The worker's real outcome transaction is held open against a late commit in scrape-service's
 * {@code LateRowTest}.
 */
@QuarkusTest
class LatePageRowTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String LOCK_JOB = "SELECT status FROM trawl.jobs WHERE id = $1 FOR UPDATE";
    static final String INSERT_ITEM = "INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) "
            + "VALUES ($1, $2, $3, $4, '{}'::jsonb)";
    static final String INSERT_TASK = "INSERT INTO trawl.tasks (job_id, url, url_hash, host, depth, max_attempts) "
            + "VALUES ($1, $2, sha256(convert_to($2, 'UTF8')), 'late.example', 1, 3)";

    @Inject
    TestDb db;

    UUID job;
    long task;

    @BeforeEach
    void aJob() {
        db.reset();
        job = UUID.fromString(JobApiTest.create(Specs.simple("late")));
        task = db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1 ORDER BY id LIMIT 1", job).get(0).getLong(0);
    }

    @Test
    void aResultCommittedAfterAPageWasReadAppearsExactlyOnceOnTheNextPage() {
        for (int i = 0; i < 3; i++) {
            db.update(INSERT_ITEM, job, task, "https://a.example/committed-" + i, i);
        }
        List<String> seen = readWhileAWriterIsHeldOpen("/results",
                tx -> tx.preparedQuery(INSERT_ITEM).execute(Tuple.of(job, task, "https://a.example/late", 10)),
                tx -> tx.preparedQuery(INSERT_ITEM).execute(Tuple.of(job, task, "https://a.example/after", 11)));
        assertThat(seen).containsExactly("https://a.example/committed-0", "https://a.example/committed-1",
                "https://a.example/committed-2", "https://a.example/late", "https://a.example/after");
    }

    @Test
    void aTaskCommittedAfterAPageWasReadAppearsExactlyOnceOnTheNextPage() {
        db.update(INSERT_TASK, job, "https://late.example/committed");
        List<String> seen = readWhileAWriterIsHeldOpen("/tasks", tx -> newTask(tx, "https://late.example/late"),
                tx -> newTask(tx, "https://late.example/after"));
        assertThat(seen).containsExactly("https://a.example/1", "https://a.example/2",
                "https://late.example/committed", "https://late.example/late", "https://late.example/after");
    }

    /** A discovered link inserted the way the worker inserts it (depth 1, dedup, maxPages, the host row). */
    io.smallrye.mutiny.Uni<?> newTask(SqlConnection tx, String url) {
        return TaskWriter.insert(tx, job, List.of(CanonicalUrl.of(url).orElseThrow()), 1, task, 3, 1000)
                .invoke(n -> assertThat(n).as("tasks inserted for " + url).isEqualTo(1));
    }

    /**
     * Writer A locks the job and inserts, and stays open; writer B (the same protocol) is started and waits
     * on A's lock; a page of the listing is read (limit 2, so it has a cursor); A commits, then B; the rest
     * is read from the cursor. Returns the URLs of every row read, in order.
     */
    List<String> readWhileAWriterIsHeldOpen(String listing, Insert late, Insert after) {
        SqlConnection a = db.pool().getConnection().await().atMost(TIMEOUT);
        SqlConnection b = db.pool().getConnection().await().atMost(TIMEOUT);
        try {
            int bPid = b.query("SELECT pg_backend_pid()").execute().await().atMost(TIMEOUT).iterator().next()
                    .getInteger(0);
            Transaction held = a.begin().await().atMost(TIMEOUT);
            a.preparedQuery(LOCK_JOB).execute(Tuple.of(job)).await().atMost(TIMEOUT);
            late.run(a).await().atMost(TIMEOUT);

            CompletableFuture<Void> second = b.begin()
                    .chain(tx -> b.preparedQuery(LOCK_JOB).execute(Tuple.of(job))
                            .chain(() -> after.run(b))
                            .chain(tx::commit))
                    .subscribeAsCompletionStage().toCompletableFuture();
            // the premise: B waits for A's job lock (it cannot commit a row with a larger id first)
            Awaitility.await().atMost(TIMEOUT).until(() -> db.count("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE pid = $1 AND wait_event_type = 'Lock' AND query LIKE 'SELECT status FROM trawl.jobs%'",
                    bPid) == 1);
            assertThat(second).isNotDone();

            Response first = page(listing, null, 2);
            List<String> seen = new ArrayList<>(first.path("items.url"));
            String cursor = first.path("nextCursor");
            assertThat(cursor).as("the first page has a cursor").isNotNull();

            held.commit().await().atMost(TIMEOUT);
            second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            while (cursor != null) {
                Response next = page(listing, cursor, 2);
                seen.addAll(next.path("items.url"));
                cursor = next.path("nextCursor");
            }
            return seen;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            a.close().await().atMost(TIMEOUT);
            b.close().await().atMost(TIMEOUT);
        }
    }

    Response page(String listing, String cursor, int limit) {
        var spec = given().auth().oauth2(JobApiTest.KEY).queryParam("limit", limit);
        if (cursor != null) {
            spec.queryParam("cursor", cursor);
        }
        Response page = spec.get("/api/v1/jobs/" + job + listing);
        page.then().statusCode(200);
        return page;
    }

    @FunctionalInterface
    interface Insert {
        io.smallrye.mutiny.Uni<?> run(SqlConnection tx);
    }
}
