package io.trawl.scrape.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import io.trawl.fixtures.Specs;

/** Pause, resume and kill while pages are being fetched (guarantee 3). */
@QuarkusTest
@WithTestResource(value = SchemaResource.class, scope = TestResourceScope.GLOBAL)
class ControlTest {

    private static final int PAGES = 40;

    @Inject
    MeterRegistry registry;

    private static UUID slowJob(String key, int delayMs) {
        return TestJobs.create(Specs.aCrawl().named(key)
                .withSeeds(TestSite.get().url("/slow/" + PAGES + "/" + delayMs + "/" + key + "/0"))
                .following("a.child", "a.nav").maxDepth(10)
                .extracting(".product", "name", ".name").timeoutMs(10000));
    }

    private static long count(UUID job, String state) {
        return TestJobs.tasks(job).stream().filter(t -> t.state().equals(state)).count();
    }

    @Test
    void pauseStopsNewFetchesAtOnceAndResumeFinishesWithoutRefetching() {
        String prefix = "/slow/" + PAGES + "/400/pause/";
        UUID job = slowJob("pause", 400);
        TestDispatcher.get().manage(job);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(job, "succeeded") >= 6 && count(job, "running") >= 2);

        Instant pausedAt = TestJobs.pause(job);

        // within a second nothing of the job is running any more, and no fetch of it starts later
        await().atMost(Duration.ofSeconds(3)).until(() -> count(job, "running") == 0 && count(job, "queued") == 0);
        // not a fixed wait: a probe published after the pause is fetched, so every message of the job published
        // before it (those the pause turned back to pending included) has reached the worker and settled
        WorkerProbe.drain(registry);
        assertThat(TestSite.get().server.hits()).filteredOn(h -> h.path().startsWith(prefix))
                .noneMatch(h -> h.at().isAfter(pausedAt.plusMillis(1000)));
        List<TestJobs.EventRow> cancelled = TestJobs.events(job).stream()
                .filter(e -> e.type().equals("task.cancelled")).toList();
        assertThat(cancelled).isNotEmpty().allSatisfy(e -> assertThat(e.data())
                .contains("\"reason\": \"paused\"").contains("\"requeued\": true"));
        // the interrupted attempts were not spent
        assertThat(TestJobs.tasks(job)).filteredOn(t -> t.state().equals("pending"))
                .allSatisfy(t -> assertThat(t.attempt()).isZero());
        Set<String> doneBeforeResume = TestJobs.tasks(job).stream().filter(t -> t.state().equals("succeeded"))
                .map(TestJobs.TaskRow::url).collect(Collectors.toSet());

        TestJobs.resume(job);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(job, "succeeded") == PAGES);
        for (String url : doneBeforeResume) {
            assertThat(TestSite.get().count(url.substring(url.indexOf(prefix)))).as(url).isEqualTo(1);
        }
        assertThat(TestJobs.items(job)).hasSize(2 * PAGES);
        assertThat(TestJobs.job(job).tasksDone()).isEqualTo(PAGES);
    }

    @Test
    void killCancelsInFlightFetchesAndNothingFollowsIt() {
        String prefix = "/slow/" + PAGES + "/1000/kill/";
        // slow pages, so that the fetches seen running are still running when the kill lands
        UUID job = slowJob("kill", 1000);
        TestDispatcher.get().manage(job);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(job, "succeeded") >= 3 && count(job, "running") >= 2);
        List<String> inFlight = TestJobs.tasks(job).stream().filter(t -> t.state().equals("running"))
                .map(t -> t.url().substring(t.url().indexOf(prefix))).toList();

        long killSeq = TestJobs.kill(job);
        Instant killedAt = Instant.now();

        // the in-flight fetches are dropped (connections closed before the slow answer)
        await().atMost(Duration.ofSeconds(2)).until(() -> inFlight.stream().anyMatch(p -> TestSite.get().closedEarly(p) > 0));
        long items = TestJobs.items(job).size();
        // not a fixed wait: a probe published after the kill is fetched and nothing is in flight any more, so the
        // fetches the kill dropped and every message of the job still in the queue have settled
        WorkerProbe.drain(registry);

        assertThat(TestJobs.events(job)).extracting(TestJobs.EventRow::seq).allMatch(seq -> seq <= killSeq);
        assertThat(TestJobs.job(job).eventSeq()).isEqualTo(killSeq);
        assertThat(TestJobs.tasks(job)).allMatch(t -> t.state().equals("succeeded") || t.state().equals("cancelled"));
        assertThat(TestJobs.items(job)).hasSize((int) items);
        assertThat(TestSite.get().server.hits()).filteredOn(h -> h.path().startsWith(prefix))
                .noneMatch(h -> h.at().isAfter(killedAt.plusMillis(1000)));
        assertThat(TestJobs.job(job).status()).isEqualTo("killed");
    }
}
