package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.fixtures.Specs;
import io.trawl.scrape.repository.ClaimedTask;
import io.trawl.scrape.service.JobRules;
import io.trawl.scrape.service.SpecCache;
import io.trawl.scrape.service.TaskLedger;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 3, the writer's side: job-service pages results and task listings by {@code id > cursor}
 * (its {@code LatePageRowTest} holds that reader to a late commit), which is safe only because every writer of
 * a job's rows takes the job row lock before it inserts, so a job's ids are drawn in commit order. Here the
 * real outcome transaction ({@link TaskLedger#succeedAll}, what the worker's group commit runs) is held open
 * after it inserted its items: the test holds an uncommitted row of {@code trawl.hosts} that the page's new
 * link needs, so the ledger's {@code INSERT ... ON CONFLICT DO NOTHING} of that host waits. A second page of the
 * same job is written meanwhile; a page is "read" (the job's newest committed item and task ids: the cursor a
 * listing would hand out now); then the held transaction is let go. Every row of both pages must come after that
 * cursor. Without the job lock the second page commits first with larger ids, and the first page's rows land
 * behind the cursor — skipped by every reader.
 */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class LateRowTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    TaskLedger ledger;

    @Inject
    SpecCache specs;

    @Test
    void rowsOfAnOutcomeCommittedLateAllComeAfterTheCursorAReaderGotMeanwhile() throws Exception {
        String site = TestSite.get().url("/site/7/late-row/");
        UUID job = TestJobs.create(Specs.aCrawl().named("late-row").withSeeds(site + "0", site + "1", site + "2")
                .following("a.child").maxDepth(3).extracting(".product", "name", ".name"));
        List<TestJobs.TaskRow> seeds = TestJobs.tasks(job);
        JobRules rules = specs.rulesOf(job).await().atMost(TIMEOUT);
        CanonicalUrl lateLink = CanonicalUrl.of("http://late-" + UUID.randomUUID() + ".example/page").orElseThrow();

        // claimed first: a claim takes the job lock too
        TaskLedger.Success early = success(seeds.get(0), rules, "early", List.of());
        TaskLedger.Success lateOne = success(seeds.get(1), rules, "late", List.of(lateLink));
        TaskLedger.Success afterIt = success(seeds.get(2), rules, "after", List.of());
        // a page written before: what the first listing page shows
        ledger.succeedAll(List.of(early)).await().atMost(TIMEOUT);

        try (Connection holder = TestInfra.db()) {
            holder.setAutoCommit(false);
            try (PreparedStatement st = holder.prepareStatement("INSERT INTO trawl.hosts (host) VALUES (?)")) {
                st.setString(1, lateLink.hostKey());
                st.executeUpdate();
            }
            CompletableFuture<?> late = ledger.succeedAll(List.of(lateOne)).subscribeAsCompletionStage()
                    .toCompletableFuture();
            // the premise: the late page's transaction has inserted its items and waits, open, for the host row
            await().atMost(TIMEOUT).until(() -> waiting("INSERT INTO trawl.hosts") == 1);
            assertThat(late).isNotDone();
            assertThat(count("SELECT count(*) FROM trawl.items WHERE task_id = ?", seeds.get(1).id()))
                    .as("the late page's items are not visible yet").isZero();

            CompletableFuture<?> after = ledger.succeedAll(List.of(afterIt)).subscribeAsCompletionStage()
                    .toCompletableFuture();
            // the second page either commits (a writer that does not wait for the job) or waits for a lock
            await().atMost(TIMEOUT).until(() -> after.isDone() || waiting("SELECT id, status FROM trawl.jobs") == 1);

            long itemCursor = count("SELECT coalesce(max(id), 0) FROM trawl.items WHERE job_id = ?", job);
            long taskCursor = count("SELECT coalesce(max(id), 0) FROM trawl.tasks WHERE job_id = ?", job);

            holder.rollback();
            late.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            after.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertThat(strings("SELECT data->>'name' FROM trawl.items WHERE job_id = ? AND id > ? ORDER BY id", job,
                    itemCursor)).as("the job's items after the cursor %d (id > cursor, as job-service pages)",
                    itemCursor).containsExactly("late-0", "late-1", "after-0", "after-1");
            assertThat(strings("SELECT url FROM trawl.tasks WHERE job_id = ? AND id > ? ORDER BY id", job, taskCursor))
                    .as("the job's tasks after the cursor %d", taskCursor).containsExactly(lateLink.url());
        }
        assertThat(strings("SELECT data->>'name' FROM trawl.items WHERE job_id = ? AND id > ? ORDER BY id", job, 0L))
                .containsExactly("early-0", "early-1", "late-0", "late-1", "after-0", "after-1");
    }

    /** The task claimed the way the worker claims it, and a page of two items with {@code links}. */
    private TaskLedger.Success success(TestJobs.TaskRow row, JobRules rules, String name, List<CanonicalUrl> links) {
        ClaimedTask task = ledger.claim(TestDispatcher.queue(row.id()), "late-row-test").await().atMost(TIMEOUT)
                .value().task().orElseThrow(() -> new AssertionError("task " + row.id() + " not claimed"));
        List<String> items = List.of(TaskLedger.itemJson(Map.of("name", name + "-0")),
                TaskLedger.itemJson(Map.of("name", name + "-1")));
        return new TaskLedger.Success(task, rules, new TaskLedger.PageOutcome(row.url(), 200, 100, 5, items, links));
    }

    /** Backends of the test database waiting for a lock in a statement that starts with {@code sql}. */
    private static long waiting(String sql) {
        return count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock' AND starts_with(query, ?)", sql);
    }

    private static long count(String sql, Object arg) {
        try (Connection db = TestInfra.db(); PreparedStatement st = db.prepareStatement(sql)) {
            st.setObject(1, arg);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(String sql, UUID job, long cursor) {
        List<String> out = new ArrayList<>();
        try (Connection db = TestInfra.db(); PreparedStatement st = db.prepareStatement(sql)) {
            st.setObject(1, job);
            st.setLong(2, cursor);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
