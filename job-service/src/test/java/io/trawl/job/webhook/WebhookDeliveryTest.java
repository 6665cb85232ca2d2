package io.trawl.job.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.event.NewEvent;
import io.trawl.common.json.WireJson;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deliveries against a receiver on loopback (allow-listed in the test profile), with sender loops the test
 * starts itself: signatures as a receiver verifies them, retries with a stable id, order per job, 410, two
 * senders, a sender restart. The test profile's retry schedule is 4 × 20 ms.
 */
@QuarkusTest
class WebhookDeliveryTest {

    static final String KEY = "test-key";
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TestDb db;

    @Inject
    WebhookSenders senders;

    TestReceiver receiver;
    final List<WebhookSenderLoop> loops = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        db.reset();
        db.update("TRUNCATE trawl.webhooks CASCADE");
        receiver = new TestReceiver();
    }

    @AfterEach
    void tearDown() {
        loops.forEach(WebhookSenderLoop::stop);
        await().atMost(WAIT).until(() -> loops.stream().noneMatch(WebhookSenderLoop::busy));
        receiver.close();
    }

    @Test
    void theEnvelopeArrivesSignedAsTheStandardWebhooksLibraryVerifiesIt() throws Exception {
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/hooks/trawl?src=test") + "\", "
                + "\"events\": [\"job.started\"]}");
        UUID job = job("signed");
        append(job, Events.jobStarted());
        start("one");

        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        TestReceiver.Received r = receiver.received().get(0);
        new Webhook(sub.secret()).verify(r.body(), r.headers()); // throws when the signature does not verify
        assertThat(r.header("webhook-id")).isEqualTo(job + ".2");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("user-agent")).contains("Trawl");
        Row stored = db.rows("SELECT seq, type, data::text AS data, created_at FROM trawl.job_events "
                + "WHERE job_id = $1 AND seq = 2", job).get(0);
        assertThat(r.body()).isEqualTo(WireJson.encodeString(EventLog.toEnvelope(job, stored)));

        JsonPath log = awaitDelivery(sub, "delivered");
        assertThat(log.getString("items[0].webhookId")).isEqualTo(job + ".2");
        assertThat(log.getInt("items[0].attemptLog[0].statusCode")).isEqualTo(200);
        assertThat(log.getString("items[0].attemptLog[0].requestId")).isEqualTo(r.header("x-request-id"));
        assertThat(log.getLong("items[0].attemptLog[0].durationMs")).isNotNegative();
        // job.created (seq 1) is not among the subscribed types: nothing else was sent
        assertThat(receiver.received()).hasSize(1);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("trawl_webhook_attempts_total{outcome=\"delivered\"}")
                .contains("trawl_webhook_attempt_seconds_count");
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheEventOnTheFourthAttemptWithTheSameId() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> TestReceiver.Answer.of(calls.incrementAndGet() <= 3 ? 500 : 200));
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/flaky") + "\", \"events\": [\"job.paused\"]}");
        UUID job = job("flaky");
        append(job, Events.jobPaused(3));
        start("one");

        JsonPath log = awaitDelivery(sub, "delivered");
        List<TestReceiver.Received> got = receiver.received();
        assertThat(got).hasSize(4);
        assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(job + ".2");
        for (TestReceiver.Received r : got) {
            new Webhook(sub.secret()).verify(r.body(), r.headers());
        }
        assertThat(log.getList("items[0].attemptLog.statusCode", Integer.class)).containsExactly(500, 500, 500, 200);
        assertThat(log.getList("items[0].attemptLog.attempt", Integer.class)).containsExactly(1, 2, 3, 4);
        assertThat(log.getString("items[0].attemptLog[0].nextAttemptAt")).isNotNull();
        assertThat(log.getInt("items[0].attempts")).isEqualTo(4);
    }

    @Test
    void eachJobsEventsArriveInSeqOrderWhileTwoJobsInterleave() throws Exception {
        // The first attempt of every event fails: without the per-job order a later event would overtake it.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        receiver.answer(r -> TestReceiver.Answer.of(seen.add(r.header("webhook-id")) ? 503 : 200));
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/ordered") + "\", \"events\": [\"job.progress\"]}");
        UUID a = job("a");
        UUID b = job("b");
        for (int i = 0; i < 10; i++) {
            append(a, progress(i));
            append(b, progress(i));
        }
        start("one");

        await().atMost(WAIT).until(() -> delivered(sub) == 20);
        Map<String, List<Long>> accepted = new HashMap<>();
        Map<String, List<Long>> sent = new HashMap<>();
        Set<String> firstAttempts = new HashSet<>();
        for (TestReceiver.Received r : receiver.received()) {
            JsonNode envelope = WireJson.tree(r.body());
            String jobId = envelope.get("jobId").asText();
            long seq = envelope.get("seq").asLong();
            sent.computeIfAbsent(jobId, k -> new ArrayList<>()).add(seq);
            if (!firstAttempts.add(r.header("webhook-id"))) {
                accepted.computeIfAbsent(jobId, k -> new ArrayList<>()).add(seq);
            }
        }
        List<Long> expected = List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(accepted.get(a.toString())).containsExactlyElementsOf(expected);
        assertThat(accepted.get(b.toString())).containsExactlyElementsOf(expected);
        // every attempt of a job (failed or not) went out in seq order: seq n+1 only after n was delivered
        for (List<Long> seqs : sent.values()) {
            assertThat(seqs).isSorted();
        }
    }

    @Test
    void goneDisablesTheSubscriptionAndEnablingResumesIt() throws Exception {
        receiver.answer(r -> TestReceiver.Answer.of(410));
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/gone") + "\", \"events\": [\"job.progress\"]}");
        UUID job = job("gone");
        append(job, progress(1), progress(2));
        start("one");

        await().atMost(WAIT).until(() -> !given().auth().oauth2(KEY).get("/api/v1/webhooks/" + sub.id())
                .then().extract().<Boolean>path("enabled"));
        JsonPath view = given().auth().oauth2(KEY).get("/api/v1/webhooks/" + sub.id()).then().extract().jsonPath();
        assertThat(view.getString("disabledReason")).contains("410");
        assertThat(receiver.received()).hasSize(1);
        assertThat(deliveries(sub, "failed").getList("items.lastStatusCode", Integer.class)).containsExactly(410);

        receiver.answer(r -> TestReceiver.Answer.of(200));
        append(job, progress(3));
        given().auth().oauth2(KEY).contentType(ContentType.JSON).body("{\"enabled\": true}")
                .patch("/api/v1/webhooks/" + sub.id()).then().statusCode(200);
        await().atMost(WAIT).until(() -> delivered(sub) == 2);
        assertThat(receiver.received()).extracting(r -> r.header("webhook-id"))
                .containsExactly(job + ".2", job + ".3", job + ".4");
    }

    @Test
    void twoSendersDeliverEachEventExactlyOnce() throws Exception {
        receiver.answer(r -> {
            sleep(2);
            return TestReceiver.Answer.of(200);
        });
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/pair") + "\", \"events\": [\"job.progress\"]}");
        List<UUID> jobs = List.of(job("x"), job("y"), job("z"));
        for (int i = 0; i < 30; i++) {
            for (UUID job : jobs) {
                append(job, progress(i));
            }
        }
        start("replica-a");
        start("replica-b");

        await().atMost(WAIT).until(() -> delivered(sub) == 90);
        List<String> ids = receiver.received().stream().map(r -> r.header("webhook-id")).toList();
        assertThat(ids).hasSize(90).doesNotHaveDuplicates();
        assertThat(db.count("SELECT count(*) FROM trawl.webhook_attempts")).isEqualTo(90);
        assertThat(db.count("SELECT count(DISTINCT (job_id, seq)) FROM trawl.webhook_deliveries")).isEqualTo(90);
    }

    @Test
    void aSenderRestartMidBacklogLosesNothing() throws Exception {
        receiver.answer(r -> {
            sleep(10);
            return TestReceiver.Answer.of(200);
        });
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/restart") + "\", \"events\": [\"job.progress\"]}");
        UUID a = job("ra");
        UUID b = job("rb");
        for (int i = 0; i < 30; i++) {
            append(a, progress(i));
            append(b, progress(i));
        }
        WebhookSenderLoop first = start("before-restart");
        await().atMost(WAIT).until(() -> receiver.received().size() >= 6);
        first.stop();
        await().atMost(WAIT).until(() -> !first.busy());
        long before = delivered(sub);
        assertThat(before).isLessThan(60);
        // A sender that died mid-attempt: its claim is left "sending" with a lease that ran out.
        db.update("UPDATE trawl.webhook_deliveries SET status = 'sending', lease_owner = 'dead', "
                + "lease_token = gen_random_uuid(), lease_expires_at = now() - interval '1 second' "
                + "WHERE id = (SELECT min(id) FROM trawl.webhook_deliveries WHERE status = 'pending')");

        start("after-restart");
        await().atMost(WAIT).until(() -> delivered(sub) == 60);
        List<String> ids = receiver.received().stream().map(r -> r.header("webhook-id")).distinct().toList();
        assertThat(ids).hasSize(60);
        for (UUID job : List.of(a, b)) {
            List<Long> seqs = receiver.received().stream().map(r -> WireJson.tree(r.body()))
                    .filter(e -> e.get("jobId").asText().equals(job.toString())).map(e -> e.get("seq").asLong())
                    .distinct().toList();
            assertThat(seqs).isSorted().hasSize(30);
        }
    }

    @Test
    void afterTheLastRetryTheDeliveryFailsTheNextEventFollowsAndRedeliverSendsItAgain() throws Exception {
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/stubborn") + "\", \"events\": [\"job.progress\"]}");
        UUID job = job("stubborn");
        String poisoned = job + ".2";
        receiver.answer(r -> TestReceiver.Answer.of(poisoned.equals(r.header("webhook-id")) ? 500 : 200));
        append(job, progress(1), progress(2));
        start("one");

        await().atMost(WAIT).until(() -> delivered(sub) == 1);
        JsonPath failed = deliveries(sub, "failed");
        assertThat(failed.getString("items[0].webhookId")).isEqualTo(poisoned);
        assertThat(failed.getInt("items[0].attempts")).isEqualTo(5); // 1 + the 4 retries of the test schedule
        assertThat(failed.getString("items[0].lastError")).contains("500");
        assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).containsExactly(
                poisoned, poisoned, poisoned, poisoned, poisoned, job + ".3");

        receiver.answer(r -> TestReceiver.Answer.of(200));
        long id = failed.getLong("items[0].id");
        given().auth().oauth2(KEY).post("/api/v1/webhooks/" + sub.id() + "/deliveries/" + id + "/redeliver")
                .then().statusCode(202);
        await().atMost(WAIT).until(() -> delivered(sub) == 2);
        assertThat(receiver.received().get(receiver.received().size() - 1).header("webhook-id")).isEqualTo(poisoned);
        assertThat(deliveries(sub, "failed").getList("items")).isEmpty();
    }

    @Test
    void duringARotationBothSecretsSign() throws Exception {
        Subscription sub = subscribe("{\"url\": \"" + receiver.url("/rotated") + "\", \"events\": [\"job.progress\"]}");
        String rotated = given().auth().oauth2(KEY).post("/api/v1/webhooks/" + sub.id() + "/rotate-secret")
                .then().statusCode(200).extract().path("secret");
        UUID job = job("rotated");
        append(job, progress(1));
        start("one");

        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        TestReceiver.Received r = receiver.received().get(0);
        new Webhook(sub.secret()).verify(r.body(), r.headers());
        new Webhook(rotated).verify(r.body(), r.headers());
        assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
    }

    // --- helpers ---

    record Subscription(String id, String secret) {
    }

    Subscription subscribe(String body) {
        JsonPath created = given().auth().oauth2(KEY).contentType(ContentType.JSON).body(body)
                .post("/api/v1/webhooks").then().statusCode(201).extract().jsonPath();
        return new Subscription(created.getString("id"), created.getString("secret"));
    }

    UUID job(String name) {
        return UUID.fromString(given().auth().oauth2(KEY).contentType(ContentType.JSON).body(Specs.simple(name))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    void append(UUID job, NewEvent... events) {
        db.pool().withTransaction(tx -> EventLog.append(tx, job, List.of(events))).await().atMost(WAIT);
    }

    static NewEvent progress(int done) {
        return Events.jobProgress(new Events.Counters(100, done, 0, done));
    }

    WebhookSenderLoop start(String name) {
        WebhookSenderLoop loop = senders.newLoop(name);
        loops.add(loop);
        loop.start();
        return loop;
    }

    long delivered(Subscription sub) {
        return db.count("SELECT count(*) FROM trawl.webhook_deliveries WHERE webhook_id = $1::uuid "
                + "AND status = 'delivered'", sub.id());
    }

    JsonPath deliveries(Subscription sub, String status) {
        return given().auth().oauth2(KEY).get("/api/v1/webhooks/" + sub.id() + "/deliveries?status=" + status)
                .then().statusCode(200).extract().jsonPath();
    }

    JsonPath awaitDelivery(Subscription sub, String status) {
        await().atMost(WAIT).until(() -> !deliveries(sub, status).getList("items").isEmpty());
        return deliveries(sub, status);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
