package io.trawl.job.domain;

import io.trawl.common.state.JobStatus;
import io.trawl.common.state.TaskState;
import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.common.event.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every (status, command) pair of the table in docs/architecture.md. */
class JobStateMachineTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            // status,   command, outcome,   new status, event
            "PENDING,    PAUSE,   APPLY,     PAUSED,     JOB_PAUSED",
            "RUNNING,    PAUSE,   APPLY,     PAUSED,     JOB_PAUSED",
            "PAUSED,     PAUSE,   IN_EFFECT, ,",
            "COMPLETED,  PAUSE,   ILLEGAL,   ,",
            "FAILED,     PAUSE,   ILLEGAL,   ,",
            "KILLED,     PAUSE,   ILLEGAL,   ,",
            "PENDING,    RESUME,  IN_EFFECT, ,",
            "RUNNING,    RESUME,  IN_EFFECT, ,",
            "PAUSED,     RESUME,  APPLY,     RUNNING,    JOB_RESUMED",
            "COMPLETED,  RESUME,  ILLEGAL,   ,",
            "FAILED,     RESUME,  ILLEGAL,   ,",
            "KILLED,     RESUME,  ILLEGAL,   ,",
            "PENDING,    KILL,    APPLY,     KILLED,     JOB_KILLED",
            "RUNNING,    KILL,    APPLY,     KILLED,     JOB_KILLED",
            "PAUSED,     KILL,    APPLY,     KILLED,     JOB_KILLED",
            "COMPLETED,  KILL,    ILLEGAL,   ,",
            "FAILED,     KILL,    ILLEGAL,   ,",
            "KILLED,     KILL,    IN_EFFECT, ,",
            "PENDING,    RETRY,   IN_EFFECT, ,",
            "RUNNING,    RETRY,   IN_EFFECT, ,",
            "PAUSED,     RETRY,   ILLEGAL,   ,",
            "COMPLETED,  RETRY,   APPLY,     RUNNING,    JOB_RESUMED",
            "FAILED,     RETRY,   APPLY,     RUNNING,    JOB_RESUMED",
            "KILLED,     RETRY,   ILLEGAL,   ,",
    })
    void decides(JobStatus status, JobCommand command, String outcome, JobStatus to, EventType event) {
        Transition t = JobStateMachine.decide(status, command, true, 3);
        switch (outcome) {
            case "APPLY" -> assertThat(t).isEqualTo(new Transition.Apply(to, event));
            case "IN_EFFECT" -> assertThat(t).isEqualTo(new Transition.AlreadyInEffect(status));
            default -> assertThat(t).isInstanceOf(Transition.Illegal.class);
        }
    }

    @Test
    void resumingAJobNeverDispatchedMakesItPendingAgain() {
        assertThat(JobStateMachine.decide(JobStatus.PAUSED, JobCommand.RESUME, false, 0))
                .isEqualTo(new Transition.Apply(JobStatus.PENDING, EventType.JOB_RESUMED));
    }

    @Test
    void retryNeedsFailedTasks() {
        assertThat(JobStateMachine.decide(JobStatus.COMPLETED, JobCommand.RETRY, true, 0))
                .isInstanceOf(Transition.Illegal.class);
    }

    @Test
    void terminalStatuses() {
        assertThat(JobStatus.values()).filteredOn(JobStatus::terminal)
                .containsExactlyInAnyOrder(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.KILLED);
        assertThat(TaskState.values()).filteredOn(TaskState::terminal)
                .containsExactlyInAnyOrder(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED);
    }
}
