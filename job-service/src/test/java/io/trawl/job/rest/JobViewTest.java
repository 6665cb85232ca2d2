package io.trawl.job.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.trawl.common.state.JobStatus;
import io.trawl.job.repository.JobRecord;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The job's times stand at the top level of its JSON, each only once it happened (the API's shape since v1). */
class JobViewTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void lifecycleTimesAreTopLevelFieldsAndAbsentUntilTheyHappen() throws Exception {
        Instant created = Instant.parse("2026-12-01T10:00:00Z");
        Instant started = Instant.parse("2026-12-01T10:00:05Z");
        JobRecord job = new JobRecord(UUID.randomUUID(), "acme", "crawl", "{}", "hash", JobStatus.RUNNING, 0, null,
                10, 4, 1, 7, 12, created, started, null, null, null, null, null);

        JsonNode view = json.valueToTree(JobView.summary(job, started.plusSeconds(5)));

        assertEquals(created.toString(), view.get("createdAt").asText());
        assertEquals(started.toString(), view.get("startedAt").asText());
        assertFalse(view.has("pausedAt"));
        assertFalse(view.has("finishedAt"));
        assertFalse(view.has("purgedAt"));
        assertFalse(view.has("lifecycle"));
        assertTrue(view.has("progress"));
        assertEquals(1.0, view.get("rates").get("pagesPerSecond").asDouble());
    }
}
