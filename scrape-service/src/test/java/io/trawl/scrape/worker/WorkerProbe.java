package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trawl.fixtures.Specs;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A positive marker for "nothing more happens" checks: instead of sleeping a while and hoping the worker had
 * its chance, a probe task is published behind everything already in {@code trawl.tasks} and must be fetched
 * and settled. The queue delivers in order to this pod's one consumer, so when the probe has succeeded every
 * message published before it has been delivered and started; once {@code trawl_scrape_in_flight} is 0 they have
 * all settled too. Whatever those messages could have caused (a fetch, an item, an event) has happened by then.
 */
final class WorkerProbe {

    private static final AtomicInteger PROBES = new AtomicInteger();

    private WorkerProbe() {
    }

    /** Publishes a one-page probe job's task and waits until it succeeded and nothing is in flight any more. */
    static void drain(MeterRegistry registry) {
        String key = "probe-" + PROBES.incrementAndGet();
        UUID probe = TestJobs.create(Specs.aCrawl().named(key).withSeeds(TestSite.get().url("/site/1/" + key + "/0"))
                .extracting(".product", "name", ".name"));
        TestDispatcher.queueAndPublish(TestJobs.tasks(probe).get(0).id(), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(probe));
        assertThat(TestJobs.tasks(probe)).as("the probe task").singleElement()
                .satisfies(t -> assertThat(t.state()).isEqualTo("succeeded"));
        await().atMost(Duration.ofSeconds(20)).until(() -> inFlight(registry) == 0);
    }

    /** {@code trawl_scrape_in_flight}: tasks this pod is processing (ticket opened before the claim). */
    static double inFlight(MeterRegistry registry) {
        Gauge gauge = registry.find("trawl.scrape.in.flight").gauge();
        assertThat(gauge).as("the trawl.scrape.in.flight gauge").isNotNull();
        return gauge.value();
    }
}
