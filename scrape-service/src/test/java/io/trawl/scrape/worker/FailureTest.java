package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import io.trawl.fixtures.Specs;

/** Failure classification, retries with backoff, permanent failures and politeness feedback (guarantees 5, 8). */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class FailureTest {

    private static UUID job(String name, int maxAttempts, int timeoutMs, String... paths) {
        UUID job = TestJobs.create(Specs.aCrawl().named(name)
                .withSeeds(java.util.Arrays.stream(paths).map(TestSite.get()::url).toList())
                .extracting(".product", "name", ".name").maxAttempts(maxAttempts).timeoutMs(timeoutMs));
        TestDispatcher.get().manage(job);
        return job;
    }

    @Test
    void aPageFailingWith503TwiceSucceedsOnItsThirdAttempt() {
        UUID job = job("flaky", 4, 5000, "/flaky/f1");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.settled(job));
        TestJobs.TaskRow task = TestJobs.tasks(job).get(0);
        assertThat(task.state()).isEqualTo("succeeded");
        assertThat(task.attempt()).isEqualTo(3);
        assertThat(TestSite.get().count("/flaky/f1")).isEqualTo(3);
        assertThat(TestJobs.events(job)).extracting(TestJobs.EventRow::type).containsExactly("task.started",
                "task.retrying", "task.started", "task.retrying", "task.started", "task.succeeded");
        assertThat(TestJobs.events(job).get(1).data()).contains("\"error\": \"http 503\"").contains("nextAttemptAt");
        assertThat(TestJobs.items(job)).hasSize(1);
    }

    @Test
    void permanentFailuresFailOnceWithTheirReason() {
        UUID job = job("permanent", 4, 5000, "/missing/m1", "/private/p1", "/image/i1", "/to-internal/r1");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestJobs.settled(job));
        List<TestJobs.TaskRow> tasks = TestJobs.tasks(job);
        assertThat(tasks).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo("failed");
            assertThat(t.attempt()).isEqualTo(1);
        });
        assertThat(TestJobs.task(job, TestSite.get().url("/missing/m1"))).satisfies(t -> {
            assertThat(t.httpStatus()).isEqualTo(404);
            assertThat(t.lastError()).isEqualTo("http 404");
        });
        assertThat(TestJobs.task(job, TestSite.get().url("/private/p1")).lastError()).startsWith("blocked-by-robots");
        assertThat(TestJobs.task(job, TestSite.get().url("/image/i1")).lastError()).startsWith("not-html");
        assertThat(TestJobs.task(job, TestSite.get().url("/to-internal/r1")).lastError())
                .startsWith("blocked-address").contains("127.0.0.2");
        assertThat(TestSite.get().count("/missing/m1")).isEqualTo(1);
        assertThat(TestSite.get().count("/private/p1")).isZero();
        assertThat(TestJobs.job(job).tasksFailed()).isEqualTo(4);
        assertThat(TestJobs.events(job).stream().filter(e -> e.type().equals("task.failed")).toList()).hasSize(4)
                .anySatisfy(e -> assertThat(e.data()).contains("\"httpStatus\": 404"));
    }

    @Test
    void timeoutsAndTooManyRequestsSlowTheHostDownForTheFleet() {
        String host = TestSite.get().hostKey();
        UUID slow = job("timeouts", 1, 300, "/slow/1/3000/to/0");
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(slow));
        assertThat(TestJobs.tasks(slow).get(0).lastError()).startsWith("timeout");
        assertThat(hostLong("consecutive_timeouts", host)).isGreaterThanOrEqualTo(1);

        UUID busy = job("busy", 1, 5000, "/busy/b1");
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(busy));
        assertThat(TestJobs.tasks(busy).get(0).httpStatus()).isEqualTo(429);
        await().atMost(Duration.ofSeconds(5)).until(() -> hostLong("(extract(epoch from backoff_until - now()) * 1000)::bigint",
                host) > 0);
    }

    private static long hostLong(String expression, String host) {
        try (var db = TestInfra.db(); var st = db.prepareStatement("SELECT " + expression + " FROM trawl.hosts WHERE host = ?")) {
            st.setString(1, host);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
