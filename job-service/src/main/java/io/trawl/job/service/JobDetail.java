package io.trawl.job.service;

import io.trawl.common.state.TaskState;
import io.trawl.job.repository.JobRecord;
import java.util.Map;

/** A job's row and how many of its tasks are in each state, both read in one snapshot. */
public record JobDetail(JobRecord job, Map<TaskState, Long> tasks) {
}
