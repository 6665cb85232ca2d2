package io.trawl.event.repository;

import io.trawl.common.state.JobStatus;
import java.util.UUID;

/** What the feed needs to know about a job: whose it is, its status and its last committed event number. */
public record JobHead(UUID id, String tenant, JobStatus status, long eventSeq) {
}
