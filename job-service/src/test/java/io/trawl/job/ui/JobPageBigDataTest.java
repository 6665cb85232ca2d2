package io.trawl.job.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.trawl.job.service.JobSearchService;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job page stays cheap with a big job: its task-state tabs count at most {@link JobSearchService#TASK_COUNT_CAP}
 * tasks per state (bench/ui-100k measures the time), while the counters stay exact.
 */
@QuarkusTest
class JobPageBigDataTest {

    @Inject
    TestDb db;

    @BeforeEach
    void clean() {
        db.reset();
    }

    @Test
    void taskStateTabsCountUpToTheCapAndSayWhenThereAreMore() {
        String id = DashboardTest.create("test-key", Specs.simple("big"));
        int many = JobSearchService.TASK_COUNT_CAP + 5;
        db.update("INSERT INTO trawl.tasks (job_id, url, url_hash, host, depth, state, attempt, max_attempts) "
                + "SELECT $1::uuid, 'https://big.example/p' || g, decode(md5('big' || g), 'hex'), 'big.example', 1, "
                + "'succeeded', 1, 4 FROM generate_series(1, $2) g", id, many);
        db.update("INSERT INTO trawl.tasks (job_id, url, url_hash, host, depth, state, attempt, max_attempts) "
                + "SELECT $1::uuid, 'https://big.example/f' || g, decode(md5('failed' || g), 'hex'), 'big.example', "
                + "1, 'failed', 4, 4 FROM generate_series(1, 3) g", id);
        db.update("UPDATE trawl.jobs SET tasks_total = tasks_total + $2, tasks_done = $3, tasks_failed = 3 "
                + "WHERE id = $1::uuid", id, many + 3, many);

        String html = DashboardTest.page(DashboardTest.login("test-key"), "/ui/jobs/" + id);

        assertThat(html).contains(">succeeded (" + JobSearchService.TASK_COUNT_CAP + "+)<")
                .contains(">failed (3)<").contains(">cancelled (0)<")
                .contains("data-field=\"tasksDone\">" + many + "<");
        String failed = DashboardTest.page(DashboardTest.login("test-key"), "/ui/jobs/" + id + "?state=failed");
        assertThat(failed).contains("https://big.example/f1").doesNotContain("https://big.example/p1<");
    }
}
