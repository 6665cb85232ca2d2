package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.message.Topology;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import io.trawl.fixtures.Specs;

/** At-least-once delivery meets exactly-once writes: duplicates, a consumer dying before ack, poison messages. */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class DeliveryTest {

    @Inject
    MeterRegistry registry;

    private static UUID singlePageJob(String key) {
        // one page, no links followed: the test publishes its messages by hand
        return TestJobs.create(Specs.aCrawl().named(key).withSeeds(TestSite.get().url("/site/5/" + key + "/1"))
                .extracting(".product", "name", ".name").maxAttempts(3));
    }

    @Test
    void theSameTaskDeliveredTwiceWritesItsItemsOnce() {
        UUID job = singlePageJob("dup");
        long taskId = TestJobs.tasks(job).get(0).id();
        double skipped = messages("skipped");
        TestDispatcher.queueAndPublish(taskId, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(job));
        // the premise: the second copy really was delivered, and dropped (it found the task not queued) ...
        await().atMost(Duration.ofSeconds(20)).until(() -> messages("skipped") > skipped);
        // ... and has settled, so whatever it could have written is written
        await().atMost(Duration.ofSeconds(20)).until(() -> WorkerProbe.inFlight(registry) == 0);

        assertThat(TestJobs.tasks(job)).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo("succeeded");
            assertThat(t.attempt()).isEqualTo(1);
        });
        assertThat(TestJobs.items(job)).hasSize(2);
        assertThat(TestSite.get().count("/site/5/dup/1")).isEqualTo(1);
        assertThat(TestJobs.events(job)).extracting(TestJobs.EventRow::type)
                .containsExactly("task.started", "task.succeeded");
        assertThat(TestJobs.job(job).items()).isEqualTo(2);
    }

    @Test
    void aConsumerThatDiesBeforeAckLeadsToRedeliveryAndOneCompletion() throws Exception {
        UUID job = singlePageJob("dies");
        long taskId = TestJobs.tasks(job).get(0).id();
        CountDownLatch received = new CountDownLatch(1);
        try (Connection rabbit = TestInfra.rabbit("scrape-test-doomed-consumer")) {
            Channel doomed = rabbit.createChannel();
            doomed.basicQos(1);
            // A higher consumer priority: the broker offers the message to this consumer first.
            doomed.basicConsume(Topology.TASKS_QUEUE, false, Map.of("x-priority", 10), new DefaultConsumer(doomed) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, com.rabbitmq.client.AMQP.BasicProperties p,
                        byte[] body) {
                    received.countDown(); // ... and dies without acknowledging it
                }
            });
            TestDispatcher.queueAndPublish(taskId, 1);
            assertThat(received.await(10, TimeUnit.SECONDS)).as("the doomed consumer got the message").isTrue();
            // the worker is consuming meanwhile (a later message goes through it), but never got this one
            WorkerProbe.drain(registry);
            assertThat(TestJobs.tasks(job).get(0).state()).isEqualTo("queued");
            doomed.close(); // dies: the unacknowledged message goes back to the queue
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(job));
        assertThat(TestJobs.tasks(job).get(0).state()).isEqualTo("succeeded");
        assertThat(TestJobs.items(job)).hasSize(2);
        assertThat(TestSite.get().count("/site/5/dies/1")).isEqualTo(1);
    }

    @Test
    void aPoisonMessageIsDeadLetteredAndItsTaskFailed() {
        UUID job = singlePageJob("poison");
        long taskId = TestJobs.tasks(job).get(0).id();
        TestJobs.exec("UPDATE trawl.tasks SET state = 'queued', queued_at = now() WHERE id = ?", taskId);
        double before = deadLetters("true");
        // identifiable (taskId, jobId) but not a valid TaskMessage (depth is not a number)
        TestDispatcher.publishRaw(("{\"taskId\": " + taskId + ", \"jobId\": \"" + job + "\", \"url\": \"x\", "
                + "\"depth\": \"deep\", \"attempt\": 0}").getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(job));
        TestJobs.TaskRow task = TestJobs.tasks(job).get(0);
        assertThat(task.state()).isEqualTo("failed");
        assertThat(task.lastError()).contains("poison message").contains("rejected");
        assertThat(TestJobs.job(job).tasksFailed()).isEqualTo(1);
        List<TestJobs.EventRow> events = TestJobs.events(job);
        assertThat(events).extracting(TestJobs.EventRow::type).containsExactly("task.failed");
        assertThat(TestSite.get().count("/site/5/poison/1")).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters("true") > before);
    }

    @Test
    void anUnidentifiableMessageIsDeadLetteredAndDropped() {
        double before = deadLetters("false");
        TestDispatcher.publishRaw("this is not json".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters("false") > before);
    }

    private double messages(String result) {
        var counter = registry.find("trawl.scrape.messages").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private double deadLetters(String identified) {
        var counter = registry.find("trawl.scrape.dead.letters").tag("identified", identified).counter();
        return counter == null ? 0 : counter.count();
    }
}
