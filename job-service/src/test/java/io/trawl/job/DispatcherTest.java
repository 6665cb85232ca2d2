package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import io.trawl.job.dispatch.Dispatcher;
import io.trawl.job.messaging.RabbitPublisher;
import io.trawl.job.reaper.Reaper;
import io.trawl.job.support.FakeWorker;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestBroker;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against the real Postgres and RabbitMQ: exactly-once publishing across replicas, no
 * dispatch of paused or killed work, nothing lost in a broker outage, fleet-wide politeness, fairness.
 */
@QuarkusTest
class DispatcherTest {

    @Inject
    TestDb db;

    @Inject
    Dispatcher dispatcher;

    @Inject
    Reaper reaper;

    @Inject
    RabbitPublisher publisher;

    TestBroker broker;
    ExecutorService threads;

    @BeforeEach
    void setUp() {
        db.reset();
        broker = new TestBroker();
        broker.purgeTasks();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        broker.close();
    }

    static UUID create(String spec) {
        return UUID.fromString(given().auth().oauth2("test-key").contentType("application/json").body(spec)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    int round() {
        return dispatcher.dispatchOnce().await().atMost(Duration.ofSeconds(60));
    }

    /** Two "replicas" running rounds side by side until a full round of both finds nothing. */
    void raceTwoDispatchers() throws Exception {
        List<Future<Integer>> loops = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            loops.add(threads.submit(() -> {
                int total = 0;
                int idle = 0;
                while (idle < 3) {
                    int n = round();
                    total += n;
                    idle = n == 0 ? idle + 1 : 0;
                }
                return total;
            }));
        }
        for (Future<Integer> loop : loops) {
            loop.get(5, TimeUnit.MINUTES);
        }
    }

    @Test
    void twoDispatchersPublishEachOf5000TasksExactlyOnce() throws Exception {
        // 100 hosts x 50 pages; 64 in flight allowed per host, so everything can go out without workers
        UUID job = create(Specs.aCrawl().named("race")
                .withSeedTemplate("http://h{h}.race.example/p{p}", "h", Specs.numbers(100)).andParam("p", Specs.numbers(50))
                .maxPages(5000).perHost(64, 0).json());
        raceTwoDispatchers();

        List<TaskMessage> messages = broker.drain(Topology.TASKS_QUEUE, TaskMessage.class);
        assertThat(messages).hasSize(5000);
        assertThat(messages.stream().map(TaskMessage::taskId).distinct().count()).isEqualTo(5000);
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.jobId()).isEqualTo(job);
            assertThat(m.url()).startsWith("http://h");
        });
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'queued'", job)).isEqualTo(5000);
        assertThat(db.rows("SELECT type FROM trawl.job_events WHERE job_id = $1 ORDER BY seq", job))
                .extracting(r -> r.getString(0)).containsExactly("job.created", "job.started");
    }

    @Test
    void pausedAndKilledJobsAreNotDispatched() {
        UUID paused = create(Specs.pages("paused", "x.example", 5, 8, 0));
        UUID killed = create(Specs.pages("killed", "x.example", 5, 8, 0));
        UUID live = create(Specs.pages("live", "y.example", 5, 8, 0));
        given().auth().oauth2("test-key").post("/api/v1/jobs/" + paused + "/pause").then().statusCode(200);
        given().auth().oauth2("test-key").post("/api/v1/jobs/" + killed + "/kill").then().statusCode(200);
        while (round() > 0) {
            // drain
        }
        List<TaskMessage> messages = broker.drain(Topology.TASKS_QUEUE, TaskMessage.class);
        assertThat(messages).hasSize(5).allSatisfy(m -> assertThat(m.jobId()).isEqualTo(live));
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", paused)).isEqualTo(5);
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'cancelled'", killed)).isEqualTo(5);
    }

    /**
     * Guarantee 3 against the round's job lock: a pause that is committing while a round runs must either come
     * before the round (nothing of the job queued) or after it (its queued tasks sent back to pending). Here
     * the pause holds the job's lock, uncommitted, while a round starts; the round must wait for it and then
     * queue nothing of the paused job. A round that took no job lock would read the job as still running,
     * queue its tasks and commit them behind the pause: queued tasks of a paused job.
     */
    @Test
    void aRoundWaitsForAPauseInFlightAndQueuesNothingOfThePausedJob() throws Exception {
        UUID job = create(Specs.pages("pausing", "x.example", 5, 8, 0));
        io.vertx.mutiny.sqlclient.SqlConnection pause = db.pool().getConnection().await().atMost(Duration.ofSeconds(30));
        try {
            io.vertx.mutiny.sqlclient.Transaction tx = pause.begin().await().atMost(Duration.ofSeconds(30));
            // what job-service's pause does first: the job's lock, then the status
            pause.preparedQuery("SELECT id FROM trawl.jobs WHERE id = $1 FOR UPDATE")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(job)).await().atMost(Duration.ofSeconds(30));
            pause.preparedQuery("UPDATE trawl.jobs SET status = 'paused', paused_at = now() WHERE id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(job)).await().atMost(Duration.ofSeconds(30));
            Future<Integer> round = threads.submit(this::round);
            // the premise: the round waits for the pause, at its job lock
            String waits = "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND wait_event_type = 'Lock'";
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> round.isDone() || !db.rows(waits).isEmpty());
            assertThat(round.isDone()).as("the round must wait for the pause in flight").isFalse();
            assertThat(db.rows(waits)).extracting(r -> r.getString(0)).as("where the round waits")
                    .singleElement().asString().startsWith("SELECT id FROM trawl.jobs WHERE id = ANY");
            tx.commit().await().atMost(Duration.ofSeconds(30));
            assertThat(round.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            pause.close().await().atMost(Duration.ofSeconds(30));
        }
        assertThat(broker.drain(Topology.TASKS_QUEUE, TaskMessage.class)).isEmpty();
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", job)).isEqualTo(5);
    }

    @Test
    void aBrokerOutageDuringDispatchLosesNothing() throws Exception {
        String vhost = ConfigProvider.getConfig().getValue("trawl.rabbitmq.vhost", String.class);
        // 150 hosts x 20 pages, one dispatch per host every 400 ms: dispatching takes 8 s at least
        UUID job = create(Specs.aCrawl().named("outage")
                .withSeedTemplate("http://h{h}.outage.example/p{p}", "h", Specs.numbers(150)).andParam("p", Specs.numbers(20))
                .maxPages(3000).perHost(64, 400).json());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failedRounds = new AtomicInteger();
        AtomicLong rounds = new AtomicLong();
        Future<?> loop = threads.submit(() -> {
            while (!stop.get()) {
                try {
                    round();
                } catch (RuntimeException e) {
                    failedRounds.incrementAndGet();
                }
                rounds.incrementAndGet();
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'queued'", job) > 0);
        // the outage: the broker drops our connections and refuses new ones
        TestBroker.rabbitmqctl("clear_permissions", "-p", vhost, "guest");
        TestBroker.rabbitmqctl("close_all_connections", "-p", vhost, "test outage");
        // the publisher has noticed, and the round that was running then has ended (committed or rolled back)
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !publisher.isReady());
        long roundsAtOutage = rounds.get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rounds.get() > roundsAtOutage);
        long pendingAtOutage = db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", job);
        long roundsBefore = rounds.get();
        // A quiet window: "nothing is queued while the broker is away" is about time passing with rounds running.
        // It lasts past the publisher's first reconnect attempt (trawl.rabbitmq.reconnect-interval, 2 s), the
        // moment a publisher that wrongly thought itself ready would start queueing again; checked every 100 ms.
        long windowEnds = System.nanoTime() + Duration.ofMillis(2500).toNanos();
        while (System.nanoTime() < windowEnds) {
            assertThat(publisher.isReady()).as("the publisher while the broker refuses it").isFalse();
            assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", job))
                    .as("pending tasks while the broker is away").isEqualTo(pendingAtOutage);
            sleep(100);
        }
        long pendingAfterOutage = db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", job);
        assertThat(rounds.get() - roundsBefore).as("dispatch rounds during the quiet window").isGreaterThan(10);
        TestBroker.rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", job) == 0);
        stop.set(true);
        loop.get(60, TimeUnit.SECONDS);

        assertThat(pendingAtOutage).as("the outage hit mid-dispatch").isPositive();
        assertThat(pendingAfterOutage).as("nothing is marked queued while the broker is away").isEqualTo(pendingAtOutage);
        TestBroker reconnected = new TestBroker();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> reconnected.messageCount(Topology.TASKS_QUEUE) >= 3000);
            List<TaskMessage> messages = reconnected.drain(Topology.TASKS_QUEUE, TaskMessage.class);
            Map<Long, Long> copies = messages.stream().collect(Collectors.groupingBy(TaskMessage::taskId, Collectors.counting()));
            assertThat(copies).as("every task reached the queue").hasSize(3000);
            assertThat(copies.values()).as("at worst published twice").allMatch(n -> n <= 2);
        } finally {
            reconnected.close();
        }
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'queued'", job)).isEqualTo(3000);
        assertThat(publisher.isReady()).isTrue();
    }

    @Test
    void perHostConcurrencyAndSpacingHoldAcrossTwoDispatchers() throws Exception {
        UUID busy = create(Specs.pages("busy", "busy.example", 40, 3, 0));
        UUID polite = create(Specs.pages("polite", "polite.example", 12, 2, 300));
        FakeWorker worker = new FakeWorker(db);
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Map<String, Integer> maxSeen = new ConcurrentHashMap<>();
        Map<String, Integer> maxInDb = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService work = Executors.newFixedThreadPool(8);
        try {
            // workers: take each message, hold the task ~40 ms, finish it; count what they hold per host
            threads.submit(() -> {
                while (!done.get()) {
                    byte[] body = broker.takeOne(Topology.TASKS_QUEUE);
                    if (body == null) {
                        Thread.sleep(5);
                        continue;
                    }
                    TaskMessage m = io.trawl.common.json.WireJson.decode(body, TaskMessage.class);
                    String host = java.net.URI.create(m.url()).getHost();
                    work.submit(() -> {
                        if (worker.claim(m.taskId(), 60_000)) {
                            int now = inFlight.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                            maxSeen.merge(host, now, Math::max);
                            sleep(40);
                            inFlight.get(host).decrementAndGet();
                            worker.succeed(m.taskId());
                        }
                    });
                }
                return null;
            });
            // a sampler of the invariant itself: tasks queued or running per host
            threads.submit(() -> {
                while (!done.get()) {
                    for (var row : db.rows("SELECT host, count(*) FROM trawl.tasks WHERE state IN ('queued', 'running') "
                            + "GROUP BY host")) {
                        maxInDb.merge(row.getString(0), (int) row.getLong(1).longValue(), Math::max);
                    }
                    Thread.sleep(5);
                }
                return null;
            });
            Future<?> dispatchers = threads.submit(() -> {
                List<Future<?>> two = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    two.add(threads.submit(() -> {
                        while (!done.get()) {
                            if (round() == 0) {
                                sleep(10);
                            }
                        }
                    }));
                }
                for (Future<?> f : two) {
                    f.get();
                }
                return null;
            });
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() ->
                    db.count("SELECT count(*) FROM trawl.tasks WHERE state <> 'succeeded'") == 0);
            done.set(true);
            dispatchers.get(30, TimeUnit.SECONDS);
        } finally {
            done.set(true);
            work.shutdown();
            work.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(maxSeen.get("busy.example")).isBetween(2, 3);
        assertThat(maxInDb.get("busy.example")).isBetween(2, 3);
        assertThat(maxSeen.get("polite.example")).isLessThanOrEqualTo(2);
        assertThat(maxInDb.get("polite.example")).isLessThanOrEqualTo(2);
        List<Instant> dispatched = db.rows("SELECT queued_at FROM trawl.tasks WHERE job_id = $1 ORDER BY queued_at", polite)
                .stream().map(r -> r.getOffsetDateTime(0).toInstant()).toList();
        assertThat(dispatched).hasSize(12);
        for (int i = 1; i < dispatched.size(); i++) {
            assertThat(Duration.between(dispatched.get(i - 1), dispatched.get(i)).toMillis())
                    .as("spacing between dispatches %d and %d", i - 1, i).isGreaterThanOrEqualTo(300);
        }
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1", busy)).isEqualTo(40);
    }

    @Test
    void aSmallJobFinishesWhileAGiantOneIsStillRunning() throws Exception {
        UUID giant = create(Specs.pages("giant", "shared.example", 10_000, 4, 0));
        UUID small = create(Specs.pages("small", "shared.example", 5, 4, 0));
        FakeWorker worker = new FakeWorker(db);
        AtomicBoolean done = new AtomicBoolean();
        threads.submit(() -> {
            while (!done.get()) {
                byte[] body = broker.takeOne(Topology.TASKS_QUEUE);
                if (body == null) {
                    Thread.sleep(2);
                    continue;
                }
                TaskMessage m = io.trawl.common.json.WireJson.decode(body, TaskMessage.class);
                if (worker.claim(m.taskId(), 60_000)) {
                    worker.succeed(m.taskId());
                }
            }
            return null;
        });
        threads.submit(() -> {
            while (!done.get()) {
                if (round() == 0) {
                    sleep(5);
                }
            }
            return null;
        });
        try {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
                reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30));
                return "completed".equals(db.rows("SELECT status FROM trawl.jobs WHERE id = $1", small).get(0).getString(0));
            });
        } finally {
            done.set(true);
        }
        long giantOpen = db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state <> 'succeeded'", giant);
        assertThat(giantOpen).as("the giant job is far from done").isGreaterThan(9_000);
        assertThat(db.rows("SELECT status FROM trawl.jobs WHERE id = $1", giant).get(0).getString(0)).isEqualTo("running");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, Integer> copy(Map<String, Integer> m) {
        return new HashMap<>(m);
    }
}
