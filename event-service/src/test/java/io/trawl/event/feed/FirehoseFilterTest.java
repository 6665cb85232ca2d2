package io.trawl.event.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.common.state.JobStatus;
import org.junit.jupiter.api.Test;

class FirehoseFilterTest {

    @Test
    void noFilterAcceptsEverything() {
        assertThat(FirehoseFilter.parse(null, " ").accepts("task.started", null)).isTrue();
    }

    @Test
    void filtersByTypeAndStatus() {
        FirehoseFilter f = FirehoseFilter.parse("task.failed, job.completed", "running,paused");
        assertThat(f.accepts("task.failed", JobStatus.RUNNING)).isTrue();
        assertThat(f.accepts("task.failed", JobStatus.COMPLETED)).isFalse();
        assertThat(f.accepts("task.started", JobStatus.RUNNING)).isFalse();
        assertThat(f.accepts("job.completed", null)).isFalse();
        assertThat(f.accepts("job.unknown", JobStatus.RUNNING)).isFalse();
    }

    @Test
    void unknownValuesAreRejected() {
        assertThatThrownBy(() -> FirehoseFilter.parse("task.exploded", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FirehoseFilter.parse(null, "asleep")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lifecycleEventsMoveTheStatusOthersKeepIt() {
        assertThat(FirehoseFilter.statusAfter("job.created", null)).isEqualTo(JobStatus.PENDING);
        assertThat(FirehoseFilter.statusAfter("job.started", JobStatus.PENDING)).isEqualTo(JobStatus.RUNNING);
        assertThat(FirehoseFilter.statusAfter("job.paused", JobStatus.RUNNING)).isEqualTo(JobStatus.PAUSED);
        assertThat(FirehoseFilter.statusAfter("job.resumed", JobStatus.PAUSED)).isEqualTo(JobStatus.RUNNING);
        assertThat(FirehoseFilter.statusAfter("job.killed", JobStatus.PAUSED)).isEqualTo(JobStatus.KILLED);
        assertThat(FirehoseFilter.statusAfter("job.completed", JobStatus.RUNNING)).isEqualTo(JobStatus.COMPLETED);
        assertThat(FirehoseFilter.statusAfter("job.failed", JobStatus.RUNNING)).isEqualTo(JobStatus.FAILED);
        assertThat(FirehoseFilter.statusAfter("task.started", JobStatus.PAUSED)).isEqualTo(JobStatus.PAUSED);
        assertThat(FirehoseFilter.statusAfter("job.progress", JobStatus.RUNNING)).isEqualTo(JobStatus.RUNNING);
    }
}
