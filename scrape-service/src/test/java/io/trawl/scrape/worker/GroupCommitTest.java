package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.common.json.WireJson;
import io.trawl.common.task.SlotSignal;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.scrape.repository.ClaimedTask;
import io.trawl.scrape.service.JobRules;
import io.trawl.scrape.service.TaskLedger;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Several claims and several page outcomes committed in ONE transaction each (the worker's group commit)
 * keep every guarantee of the one-page path: per-job events gapless and in order across jobs, a lease-less
 * or duplicate write changes nothing, items and counters exactly once, maxPages exact across the pages of
 * one batch.
 */
@QuarkusTest
@QuarkusTestResource(SchemaResource.class)
class GroupCommitTest {

    @Inject
    TaskLedger ledger;

    static final String SPEC = """
            {"name": "batch", "seeds": [%s],
             "crawl": {"follow": ["a"], "maxDepth": 3, "maxPages": %d},
             "extract": {"item": ".p", "fields": {"name": ".n"}},
             "limits": {"timeoutMs": 5000, "maxAttempts": 2}}""";

    @Test
    void aBatchOfClaimsAndOutcomesOverTwoJobsKeepsEventsGaplessAndWritesEverythingOnce() {
        UUID a = job(4, 100);
        UUID b = job(3, 100);
        List<TaskMessage> messages = new ArrayList<>();
        messages.addAll(queued(a));
        messages.addAll(queued(b));
        TaskMessage first = messages.get(0);
        messages.add(first); // a redelivered message for a task already in this batch
        messages.add(new TaskMessage(999_999_999L, a, "https://x.test/none", 0, 0, null)); // no such task

        List<io.trawl.common.event.Committed<TaskLedger.Claim>> claims = ledger.claimAll(messages, "w-batch").await().atMost(Duration.ofSeconds(30));

        assertThat(claims).hasSize(messages.size());
        assertThat(claims.subList(0, 7)).allSatisfy(c -> {
            assertThat(c.value().task()).isPresent();
            assertThat(c.events()).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo("task.started"));
        });
        assertThat(claims.get(7).value().task()).isEmpty();
        assertThat(claims.get(7).value().skipReason()).isEqualTo("task is not queued");
        assertThat(claims.get(8).value().task()).isEmpty();
        assertThat(TestJobs.tasks(a)).allSatisfy(t -> assertThat(t.state()).isEqualTo("running"));
        assertThat(TestJobs.tasks(b)).allSatisfy(t -> assertThat(t.state()).isEqualTo("running"));

        // outcomes: every page, plus one whose lease was taken over (a stale token writes nothing)
        JobRules rulesA = rules(a);
        JobRules rulesB = rules(b);
        List<TaskLedger.Success> pages = new ArrayList<>();
        for (io.trawl.common.event.Committed<TaskLedger.Claim> c : claims.subList(0, 7)) {
            ClaimedTask t = c.value().task().get();
            pages.add(new TaskLedger.Success(t, t.jobId().equals(a) ? rulesA : rulesB, page(t, 2, List.of())));
        }
        ClaimedTask taken = claims.get(1).value().task().get();
        ClaimedTask stale = new ClaimedTask(taken.id(), taken.jobId(), taken.url(), taken.host(), taken.depth(),
                taken.attempt(), taken.maxAttempts(), UUID.randomUUID(), taken.queuedAt());
        pages.add(1, new TaskLedger.Success(stale, rulesA, page(stale, 5, List.of())));

        List<List<EventEnvelope>> done = ledger.succeedAll(pages).await().atMost(Duration.ofSeconds(30));

        assertThat(done.get(1)).as("stale lease").isEmpty();
        assertThat(done).filteredOn(List::isEmpty).hasSize(1);
        // the same outcomes again (a redelivery after the commit): nothing twice
        assertThat(ledger.succeedAll(pages).await().atMost(Duration.ofSeconds(30))).allSatisfy(e -> assertThat(e).isEmpty());

        for (UUID job : List.of(a, b)) {
            int n = job.equals(a) ? 4 : 3;
            TestJobs.JobRow row = TestJobs.job(job);
            assertThat(row.tasksDone()).isEqualTo(n);
            assertThat(row.items()).isEqualTo(2L * n);
            assertThat(TestJobs.items(job)).hasSize(2 * n);
            assertThat(TestJobs.tasks(job)).allSatisfy(t -> assertThat(t.state()).isEqualTo("succeeded"));
            List<TestJobs.EventRow> events = TestJobs.events(job);
            assertThat(events).extracting(TestJobs.EventRow::seq)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * n).mapToObj(i -> (long) i).toList());
            assertThat(events.subList(0, n)).allSatisfy(e -> assertThat(e.type()).isEqualTo("task.started"));
            assertThat(events.subList(n, 2 * n)).allSatisfy(e -> assertThat(e.type()).isEqualTo("task.succeeded"));
            assertThat(row.eventSeq()).isEqualTo(2L * n);
        }
    }

    @Test
    void linksOfSeveralPagesInOneBatchStopExactlyAtMaxPages() {
        UUID job = job(2, 5); // 2 seeds, room for 3 more tasks
        List<io.trawl.common.event.Committed<TaskLedger.Claim>> claims = ledger.claimAll(queued(job), "w-batch").await().atMost(Duration.ofSeconds(30));
        JobRules rules = rules(job);
        List<TaskLedger.Success> pages = new ArrayList<>();
        for (io.trawl.common.event.Committed<TaskLedger.Claim> c : claims) {
            ClaimedTask t = c.value().task().get();
            List<CanonicalUrl> links = IntStream.range(0, 3)
                    .mapToObj(i -> CanonicalUrl.of("https://batch.test/" + job + "/from/" + t.id() + "/" + i).orElseThrow()).toList();
            pages.add(new TaskLedger.Success(t, rules, page(t, 0, links)));
        }
        ledger.succeedAll(pages).await().atMost(Duration.ofSeconds(30));

        assertThat(TestJobs.tasks(job)).hasSize(5);
        assertThat(TestJobs.job(job).tasksTotal()).isEqualTo(5);
        List<Map<String, Object>> succeeded = TestJobs.events(job).stream().filter(e -> e.type().equals("task.succeeded"))
                .map(e -> WireJson.tree(e.data())).map(d -> Map.<String, Object>of("links", d.get("links").asInt())).toList();
        // the first page's three links fill the job up to maxPages; the second page's three find no room
        assertThat(succeeded).extracting(m -> (Integer) m.get("links")).containsExactly(3, 0);
    }

    @Test
    void linksToAKnownHostDoNotWaitForADispatchRoundThatHoldsItsRow() throws Exception {
        UUID job = job(1, 100);
        ClaimedTask t = ledger.claimAll(queued(job), "w-host").await().atMost(Duration.ofSeconds(30))
                .get(0).value().task().orElseThrow();
        CanonicalUrl link = CanonicalUrl.of("https://batch.test/" + job + "/next").orElseThrow();
        TestJobs.exec("INSERT INTO trawl.hosts (host) VALUES (?) ON CONFLICT DO NOTHING", link.hostKey());
        try (var round = TestInfra.db()) {
            round.setAutoCommit(false);
            try (var st = round.prepareStatement("UPDATE trawl.hosts SET next_dispatch_at = now(), updated_at = now() "
                    + "WHERE host = ?")) {
                st.setString(1, link.hostKey());
                assertThat(st.executeUpdate()).isEqualTo(1);
            }
            // the round has spaced the host and not committed (it waits for its publisher confirms): the page's
            // outcome, which holds its job's row, must not wait for it
            ledger.succeedAll(List.of(new TaskLedger.Success(t, rules(job), page(t, 0, List.of(link)))))
                    .await().atMost(Duration.ofSeconds(5));
            round.rollback();
        }
        assertThat(TestJobs.tasks(job)).hasSize(2);
    }

    @Test
    void aStaleCopyInTheSameBatchAsTheCurrentDispatchNeitherWinsNorStarvesIt() {
        UUID a = job(1, 100);
        TestJobs.exec("UPDATE trawl.tasks SET dispatch_token = 7 WHERE job_id = ?", a);
        TaskMessage current = queued(a).get(0);
        TaskMessage stale = new TaskMessage(current.taskId(), a, current.url(), 0, 0, 6L);
        TaskMessage now = new TaskMessage(current.taskId(), a, current.url(), 0, 0, 7L);

        List<io.trawl.common.event.Committed<TaskLedger.Claim>> claims = ledger.claimAll(List.of(stale, now), "w-batch")
                .await().atMost(Duration.ofSeconds(30));

        assertThat(claims.get(0).value().task()).isEmpty();
        assertThat(claims.get(1).value().task()).isPresent();
        assertThat(TestJobs.tasks(a)).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo("running"));
    }

    @Test
    void anOutcomeCommitTellsTheDispatcherThatHostSlotsWereFreed() throws Exception {
        UUID job = job(1, 100);
        try (var listener = TestInfra.db()) {
            try (var st = listener.createStatement()) {
                st.execute("LISTEN " + SlotSignal.CHANNEL);
            }
            ClaimedTask t = ledger.claimAll(queued(job), "w-signal").await().atMost(Duration.ofSeconds(30))
                    .get(0).value().task().orElseThrow();
            notifications(listener, 200); // whatever came before the outcome

            ledger.succeedAll(List.of(new TaskLedger.Success(t, rules(job), page(t, 0, List.of()))))
                    .await().atMost(Duration.ofSeconds(30));

            assertThat(notifications(listener, 5_000)).as("the commit's notification").contains(SlotSignal.CHANNEL);
        }
    }

    @Test
    void theOutcomeThatCountsAJobsLastOpenTaskNamesTheJobInItsSignal() throws Exception {
        UUID job = job(2, 100);
        UUID failing = job(1, 100);
        try (var listener = TestInfra.db()) {
            try (var st = listener.createStatement()) {
                st.execute("LISTEN " + SlotSignal.CHANNEL);
            }
            List<ClaimedTask> claimed = ledger.claimAll(queued(job), "w-last").await().atMost(Duration.ofSeconds(30))
                    .stream().map(c -> c.value().task().orElseThrow()).toList();
            ClaimedTask lone = ledger.claimAll(queued(failing), "w-last").await().atMost(Duration.ofSeconds(30))
                    .get(0).value().task().orElseThrow();
            payloads(listener, 200);

            ledger.succeedAll(List.of(new TaskLedger.Success(claimed.get(0), rules(job), page(claimed.get(0), 0,
                    List.of())))).await().atMost(Duration.ofSeconds(30));
            assertThat(payloads(listener, 5_000)).as("one task of the job still open").doesNotContain(job.toString())
                    .isNotEmpty();

            ledger.succeed(claimed.get(1), rules(job), page(claimed.get(1), 0, List.of()))
                    .await().atMost(Duration.ofSeconds(30));
            assertThat(payloads(listener, 5_000)).as("its last task counted").contains(job.toString());

            ledger.fail(lone, new TaskLedger.FailedAttempt("gone", 404, false, null)).await().atMost(Duration.ofSeconds(30));
            assertThat(payloads(listener, 5_000)).as("a failure that leaves nothing open").contains(failing.toString());
        }
    }

    /** The payloads of the notifications {@code listener} received, waiting up to {@code waitMs} for the first. */
    private static List<String> payloads(java.sql.Connection listener, int waitMs) throws java.sql.SQLException {
        return received(listener, waitMs).stream().map(org.postgresql.PGNotification::getParameter).toList();
    }

    /** The channels of the notifications {@code listener} received, waiting up to {@code waitMs} for the first. */
    private static List<String> notifications(java.sql.Connection listener, int waitMs) throws java.sql.SQLException {
        return received(listener, waitMs).stream().map(org.postgresql.PGNotification::getName).toList();
    }

    private static List<org.postgresql.PGNotification> received(java.sql.Connection listener, int waitMs)
            throws java.sql.SQLException {
        org.postgresql.PGNotification[] received = listener.unwrap(org.postgresql.PGConnection.class)
                .getNotifications(waitMs);
        return received == null ? List.of() : List.of(received);
    }

    private static UUID job(int seeds, int maxPages) {
        String urls = String.join(", ", IntStream.range(0, seeds)
                .mapToObj(i -> "\"https://batch.test/" + UUID.randomUUID() + "/" + i + "\"").toList());
        UUID id = TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson(SPEC.formatted(urls, maxPages)));
        TestJobs.exec("UPDATE trawl.tasks SET state = 'queued', queued_at = now() WHERE job_id = ?", id);
        return id;
    }

    private static List<TaskMessage> queued(UUID job) {
        return TestJobs.tasks(job).stream().map(t -> new TaskMessage(t.id(), job, t.url(), t.depth(), t.attempt(), null))
                .toList();
    }

    private static JobRules rules(UUID job) {
        try (var db = TestInfra.db();
                var st = db.prepareStatement("SELECT spec::text FROM trawl.jobs WHERE id = ?")) {
            st.setObject(1, job);
            try (var rs = st.executeQuery()) {
                rs.next();
                return JobRules.of(JobSpecParser.parse(WireJson.tree(rs.getString(1))));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TaskLedger.PageOutcome page(ClaimedTask t, int items, List<CanonicalUrl> links) {
        List<String> json = IntStream.range(0, items).mapToObj(i -> TaskLedger.itemJson(Map.of("name", t.url() + "#" + i)))
                .toList();
        return new TaskLedger.PageOutcome(t.url(), 200, 100, 1, json, links);
    }
}
