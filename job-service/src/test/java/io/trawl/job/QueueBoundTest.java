package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import io.trawl.job.dispatch.Dispatcher;
import io.trawl.job.reaper.Reaper;
import io.trawl.job.support.TestBroker;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hardening item 2: with a backlog far deeper than the fleet can take and reaper passes that send queued
 * tasks back to pending again and again, {@code trawl.tasks} never holds more than the bound
 * ({@code queue-bound-factor × the live workers' registered prefetch}, at least {@code queue-bound-min}).
 */
@QuarkusTest
@TestProfile(QueueBoundTest.SmallBound.class)
class QueueBoundTest {

    /** Bound = max(50, 2 × registered prefetch). */
    public static class SmallBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.dispatcher.queue-bound-min", "50", "trawl.dispatcher.queue-bound-factor", "2");
        }
    }

    @Inject
    TestDb db;

    @Inject
    Dispatcher dispatcher;

    @Inject
    Reaper reaper;

    TestBroker broker;

    @BeforeEach
    void setUp() {
        db.reset();
        db.update("DELETE FROM trawl.workers");
        broker = new TestBroker();
        broker.purgeTasks();
    }

    @AfterEach
    void tearDown() {
        db.update("DELETE FROM trawl.workers");
        broker.close();
    }

    static UUID create(String spec) {
        return UUID.fromString(given().auth().oauth2("test-key").contentType("application/json").body(spec)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    /** 100 hosts × 10 pages, 64 in flight allowed per host: without a bound all 1,000 go out at once. */
    static UUID deepBacklog(String name) {
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            hosts.append(i == 0 ? "" : ",").append('"').append(i).append('"');
        }
        return create("""
                {"name": "%s", "seedTemplate": {"url": "http://h{h}.%s.example/p{p}",
                  "params": {"h": [%s], "p": ["0","1","2","3","4","5","6","7","8","9"]}},
                 "crawl": {"maxPages": 1000}, "limits": {"perHostConcurrency": 64, "perHostDelayMs": 0}}
                """.formatted(name, name, hosts));
    }

    void worker(String id, int prefetch, Duration heartbeatAge) {
        db.update("INSERT INTO trawl.workers (id, service, host, version, started_at, last_heartbeat, stats) "
                + "VALUES ($1, 'scrape-service', 'test', 'test', now(), now() - $2 * interval '1 millisecond', "
                + "$3::text::jsonb)", id, heartbeatAge.toMillis(),
                "{\"prefetch\": " + prefetch + ", \"concurrency\": 16, \"heartbeatMs\": 60000}");
    }

    /** Dispatch rounds until one publishes nothing, checking the depth after each. */
    void dispatchUntilIdle(long bound) {
        for (int i = 0; i < 100; i++) {
            int n = dispatcher.dispatchOnce().await().atMost(Duration.ofSeconds(60));
            assertThat(broker.messageCount(Topology.TASKS_QUEUE)).as("ready messages in trawl.tasks").isLessThanOrEqualTo(bound);
            if (n == 0) {
                return;
            }
        }
    }

    /** The reaper sends every queued task back to pending as if its queued-timeout had passed. */
    void reaperPass() {
        db.update("UPDATE trawl.tasks SET queued_at = now() - interval '1 hour' WHERE state = 'queued'");
        reaper.requeueLostMessages().await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void theQueueNeverHoldsMoreThanTheFleetCanTakeThroughRepeatedReaperPasses() {
        worker("w1", 30, Duration.ZERO);
        worker("w2", 30, Duration.ZERO);
        worker("gone", 500, Duration.ofMinutes(10)); // stale (3 × 60 s): its prefetch does not count
        long bound = 2 * 60;
        UUID job = deepBacklog("bound");

        dispatchUntilIdle(bound);
        assertThat(broker.messageCount(Topology.TASKS_QUEUE)).as("the bound is reached, not passed").isEqualTo(bound);
        for (int pass = 0; pass < 5; pass++) {
            reaperPass();
            dispatchUntilIdle(bound);
        }
        assertThat(broker.messageCount(Topology.TASKS_QUEUE)).isEqualTo(bound);
        List<TaskMessage> messages = broker.drain(Topology.TASKS_QUEUE, TaskMessage.class);
        assertThat(messages).hasSize((int) bound).allSatisfy(m -> assertThat(m.jobId()).isEqualTo(job));
        // every queued task's current token is in exactly one of those messages; the other copies are stale
        long current = messages.stream().filter(m -> db.count("SELECT count(*) FROM trawl.tasks WHERE id = $1 "
                + "AND state = 'queued' AND dispatch_token = $2", m.taskId(), m.dispatchToken()) == 1).count();
        assertThat(current).isEqualTo(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'queued'", job));
    }

    @Test
    void withoutRegisteredWorkersTheFloorApplies() {
        deepBacklog("floor");
        dispatchUntilIdle(50);
        assertThat(broker.messageCount(Topology.TASKS_QUEUE)).isEqualTo(50);
    }

    @Test
    void consumedMessagesMakeRoomAgain() {
        worker("w1", 40, Duration.ZERO); // bound 80
        deepBacklog("room");
        dispatchUntilIdle(80);
        assertThat(broker.drain(Topology.TASKS_QUEUE, TaskMessage.class)).hasSize(80); // "the fleet took them"
        dispatchUntilIdle(80);
        assertThat(broker.messageCount(Topology.TASKS_QUEUE)).isEqualTo(80);
    }
}
