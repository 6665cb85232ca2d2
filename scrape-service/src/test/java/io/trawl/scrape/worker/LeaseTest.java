package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import io.trawl.fixtures.Specs;

/** The lease is renewed while a slow page is fetched, and a lost lease stops the fetch and writes nothing. */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class LeaseTest {

    @Inject
    MeterRegistry registry;

    private static UUID slowPage(String key, long delayMs) {
        return TestJobs.create(Specs.aCrawl().named(key).withSeeds(TestSite.get().url("/slow/1/" + delayMs + "/" + key + "/0"))
                .extracting(".product", "name", ".name").timeoutMs(20000));
    }

    @Test
    void aFetchLongerThanTheLeaseSucceedsBecauseTheLeaseIsRenewed() {
        UUID job = slowPage("renewed", 4500); // %test lease: 3 s, renewed every 500 ms
        TestDispatcher.queueAndPublish(TestJobs.tasks(job).get(0).id(), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestJobs.settled(job));
        assertThat(TestJobs.tasks(job).get(0).state()).isEqualTo("succeeded");
        assertThat(TestJobs.items(job)).hasSize(2);
    }

    @Test
    void aReapedTaskIsAbandonedMidFetchAndNothingIsWritten() {
        String path = "/slow/1/6000/reaped/0";
        UUID job = slowPage("reaped", 6000);
        long taskId = TestJobs.tasks(job).get(0).id();
        TestDispatcher.queueAndPublish(taskId, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestSite.get().count(path) == 1
                && TestJobs.tasks(job).get(0).state().equals("running"));

        // what the reaper does to an expired lease: back to pending, the lease gone
        TestJobs.exec("UPDATE trawl.tasks SET state = 'pending', lease_owner = NULL, lease_token = NULL, "
                + "lease_expires_at = NULL WHERE id = ?", taskId);

        await().atMost(Duration.ofSeconds(3)).until(() -> TestSite.get().closedEarly(path) == 1);
        // the abandoned attempt has settled (its ticket closes only after whatever it wrote, or tried to)
        await().atMost(Duration.ofSeconds(10)).until(() -> WorkerProbe.inFlight(registry) == 0);
        assertThat(TestJobs.tasks(job).get(0).state()).isEqualTo("pending");
        assertThat(TestJobs.items(job)).isEmpty();
        assertThat(TestJobs.events(job)).extracting(TestJobs.EventRow::type).containsExactly("task.started");
    }
}
