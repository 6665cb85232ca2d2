package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import io.trawl.fixtures.BrokerSide;
import io.trawl.scrape.config.ScrapeConfig;
import io.trawl.scrape.messaging.AmqpConsumers;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Item 1 of the hardening issue: after a reconnect an old delivery can no longer settle a message of the new
 * channel, and a copy of an older dispatch (stale token) writes nothing — neither as a task message nor as a
 * dead letter.
 */
@QuarkusTest
@QuarkusTestResource(SchemaResource.class)
class StaleDeliveryTest {

    @Inject
    MeterRegistry registry;

    @Inject
    ScrapeConfig config;

    private static UUID singlePageJob(String key) {
        return TestJobs.create(io.trawl.fixtures.SpecBuilder.fromJson("""
                {"name": "%s", "seeds": ["%s"], "extract": {"item": ".product", "fields": {"name": ".name"}},
                 "limits": {"maxAttempts": 3}}""".formatted(key, TestSite.get().url("/site/5/" + key + "/1"))));
    }

    @Test
    void aCopyOfAnOlderDispatchIsDroppedWithoutWritingAnything() {
        UUID job = singlePageJob("stale-token");
        long taskId = TestJobs.tasks(job).get(0).id();
        TaskMessage stale = TestDispatcher.queue(taskId);
        TaskMessage current = TestDispatcher.queue(taskId); // dispatched again (reaper), a newer token
        assertThat(current.dispatchToken()).isGreaterThan(stale.dispatchToken());

        double skipped = messages("skipped");
        TestDispatcher.publish(stale);
        await().atMost(Duration.ofSeconds(20)).until(() -> messages("skipped") > skipped);
        assertThat(TestJobs.tasks(job)).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo("queued");
            assertThat(t.attempt()).isZero();
        });
        assertThat(TestJobs.events(job)).isEmpty();
        assertThat(TestSite.get().count("/site/5/stale-token/1")).isZero();

        TestDispatcher.publish(current);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(job));
        assertThat(TestJobs.tasks(job).get(0).state()).isEqualTo("succeeded");
        assertThat(TestJobs.tasks(job).get(0).attempt()).isEqualTo(1);
        assertThat(TestJobs.events(job)).extracting(TestJobs.EventRow::type)
                .containsExactly("task.started", "task.succeeded");
        assertThat(TestSite.get().count("/site/5/stale-token/1")).isEqualTo(1);
    }

    @Test
    void aDeliveryLimitDeadLetterCountsAsASpentAttemptOnlyForTheCurrentDispatch() {
        UUID job = singlePageJob("dead-token");
        long taskId = TestJobs.tasks(job).get(0).id();
        TaskMessage stale = TestDispatcher.queue(taskId);
        TaskMessage current = TestDispatcher.queue(taskId);

        double identified = deadLetters();
        deadLetter(stale);
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters() > identified);
        assertThat(TestJobs.tasks(job).get(0).state()).as("a superseded dispatch is ignored").isEqualTo("queued");
        assertThat(TestJobs.events(job)).isEmpty();

        deadLetter(current);
        await().atMost(Duration.ofSeconds(20)).until(() -> !TestJobs.tasks(job).get(0).state().equals("queued"));
        TestJobs.TaskRow task = TestJobs.tasks(job).get(0);
        assertThat(task.state()).as("one attempt spent, retried — not failed as poison").isEqualTo("pending");
        assertThat(task.attempt()).isEqualTo(1);
        assertThat(task.lastError()).contains("delivery limit");
        assertThat(TestJobs.job(job).tasksFailed()).isZero();
        assertThat(TestJobs.events(job)).extracting(TestJobs.EventRow::type).containsExactly("task.retrying");
    }

    /** A broker-side connection close between a delivery and its ack: the old ack must not touch the new channel. */
    @Test
    void aDeliveryOfAClosedChannelCannotSettleAMessageOfTheNewOne() throws Exception {
        String queue = "test.stale-acks." + UUID.randomUUID();
        AmqpConsumers probe = new AmqpConsumers(config);
        List<AmqpConsumers.Delivery> received = new CopyOnWriteArrayList<>();
        try (Connection rabbit = TestInfra.rabbit("scrape-test-stale-acks"); Channel ch = rabbit.createChannel()) {
            ch.queueDeclare(queue, true, false, false, Map.of());
            probe.subscribe(new AmqpConsumers.Subscription("probe", queue, 10,
                    c -> c.queueDeclare(queue, true, false, false, Map.of()), received::add));
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.isConsuming("probe"));
            ch.basicPublish("", queue, TestInfra.persistentJson(), "first".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            AmqpConsumers.Delivery old = received.get(0);

            assertThat(BrokerSide.closeConnectionsNamed(TestInfra.VHOST, "scrape-service-consumers", "test: stale acks"))
                    .as("the consumers' connection").isNotEmpty();
            await().atMost(Duration.ofSeconds(20)).until(() -> probe.connects() >= 2 && probe.isConsuming("probe"));
            ch.basicPublish("", queue, TestInfra.persistentJson(), "second".getBytes());
            // the new channel delivers the redelivered first message (tag 1 again) and the second one
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);

            old.ack(); // tag 1 of the dead channel: the same number as a live delivery of the new channel
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.staleSettlements() >= 1);
            assertThat(probe.isConsuming("probe")).as("no channel error either").isTrue();

            probe.close();
            AMQP.Queue.DeclareOk state = ch.queueDeclarePassive(queue);
            assertThat(state.getMessageCount()).as("both messages are still unacknowledged, so both came back")
                    .isEqualTo(2);
        } finally {
            try (Connection rabbit = TestInfra.rabbit("scrape-test-cleanup")) {
                TestInfra.deleteQueue(rabbit, queue);
            }
        }
    }

    private static void deadLetter(TaskMessage message) {
        try (Connection rabbit = TestInfra.rabbit("scrape-test-dead-letters"); Channel ch = rabbit.createChannel()) {
            ch.confirmSelect();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .deliveryMode(2).headers(Map.of("x-first-death-reason", "delivery_limit")).build();
            ch.basicPublish(Topology.TASKS_DEAD_LETTER_EXCHANGE, Topology.TASKS_DEAD_QUEUE, true, props,
                    WireJson.encode(message));
            ch.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double messages(String result) {
        var counter = registry.find("trawl.scrape.messages").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private double deadLetters() {
        var counter = registry.find("trawl.scrape.dead.letters").tag("identified", "true").counter();
        return counter == null ? 0 : counter.count();
    }
}
