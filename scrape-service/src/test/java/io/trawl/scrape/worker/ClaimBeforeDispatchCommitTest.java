package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.message.TaskMessage;
import io.trawl.fixtures.Specs;
import io.trawl.scrape.service.TaskLedger;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 1 (nothing lost) where the dispatcher and a worker meet: the broker confirms a task message before
 * the dispatch round commits, so a worker can claim a task whose row still reads pending, the round's update
 * uncommitted. The round locks its jobs only {@code FOR KEY SHARE}, which the worker's job lock does not wait
 * for; the claim's task-row lock must wait for the round. Here a transaction plays the round (job locked
 * {@code FOR KEY SHARE}, the task marked queued, not committed) while the worker's real claim runs: the claim
 * must wait, and after the commit take the task. Without that wait the claim judges the old pending row, skips
 * the task and the worker acks its only message: the task stays queued with no message until the reaper's
 * queued-timeout (10 minutes).
 */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class ClaimBeforeDispatchCommitTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    TaskLedger ledger;

    @Test
    void aSingleClaimWaitsForTheRoundAndTakesTheTaskItCommitted() throws Exception {
        claimDuringRound("single", message -> ledger.claim(message, "claim-test").subscribeAsCompletionStage()
                .thenApply(committed -> committed.value().task().isPresent()));
    }

    @Test
    void aBatchClaimWaitsForTheRoundAndTakesTheTaskItCommitted() throws Exception {
        claimDuringRound("batch", message -> ledger.claimAll(List.of(message), "claim-test")
                .subscribeAsCompletionStage().thenApply(all -> all.get(0).value().task().isPresent()));
    }

    private void claimDuringRound(String name, Function<TaskMessage, CompletableFuture<Boolean>> claim)
            throws Exception {
        UUID job = TestJobs.create(Specs.aCrawl().named("claim-" + name)
                .withSeeds(TestSite.get().url("/site/3/claim-" + name + "/0")));
        long taskId = TestJobs.tasks(job).get(0).id();
        try (Connection round = TestInfra.db()) {
            round.setAutoCommit(false);
            try (PreparedStatement lock = round.prepareStatement(
                    "SELECT id FROM trawl.jobs WHERE id = ? FOR KEY SHARE")) {
                lock.setObject(1, job);
                lock.executeQuery().close();
            }
            TaskMessage message = queue(round, taskId);

            CompletableFuture<Boolean> claimed = claim.apply(message);
            // the premise: the claim is waiting for the round's task row, not done
            await().atMost(TIMEOUT).until(() -> claimed.isDone() || waitingOnTaskRow() == 1);
            assertThat(claimed).as("the claim must wait for the round's commit").isNotDone();

            round.commit();
            assertThat(claimed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("claimed after the commit").isTrue();
        }
        assertThat(TestJobs.tasks(job).get(0).state()).isEqualTo("running");
    }

    /** What the round does to a task: queued under a new dispatch token, in {@code round}'s transaction. */
    private static TaskMessage queue(Connection round, long taskId) throws SQLException {
        try (PreparedStatement st = round.prepareStatement("UPDATE trawl.tasks SET state = 'queued', "
                + "queued_at = now(), dispatch_token = nextval('trawl.dispatch_tokens') WHERE id = ? "
                + "RETURNING id, job_id, url, depth, attempt, dispatch_token")) {
            st.setLong(1, taskId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new TaskMessage(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3), rs.getInt(4),
                        rs.getInt(5), rs.getLong(6));
            }
        }
    }

    private static long waitingOnTaskRow() {
        try (Connection db = TestInfra.db(); PreparedStatement st = db.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock' AND starts_with(query, 'SELECT id FROM trawl.tasks')")) {
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
