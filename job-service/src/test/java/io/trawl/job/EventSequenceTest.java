package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.event.EventLog;
import io.trawl.common.event.Events;
import io.trawl.common.event.NewEvent;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 2, at its root: per job, events are numbered 1..N without gaps in commit order, so a reader
 * asking for {@code seq > k} never misses an event that commits later.
 */
@QuarkusTest
class EventSequenceTest {

    @Inject
    TestDb db;

    UUID job;

    @BeforeEach
    void oneJob() {
        db.reset();
        job = UUID.fromString(given().auth().oauth2("test-key").contentType("application/json")
                .body(Specs.simple("seq")).post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    /** One transaction appending {@code n} events, holding the row lock a little to widen races. */
    private Uni<List<EventEnvelope>> appendInTransaction(int n) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(Events.taskStarted(i, "https://a.example/" + i, 1, "w"));
        }
        return db.pool().withTransaction(tx -> EventLog.append(tx, job, events)
                .call(() -> tx.query("SELECT pg_sleep(" + ThreadLocalRandom.current().nextInt(3) / 1000.0 + ")")
                        .execute()));
    }

    @Test
    void concurrentWritersProduceGaplessNumbersAndAPollingReaderMissesNothing() throws Exception {
        int writers = 400;
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(9);
        try {
            // the reader: polls seq > k, and must see every batch start exactly at k + 1
            Future<List<Long>> reader = threads.submit(() -> {
                List<Long> seen = new ArrayList<>();
                long k = 1; // job.created is seq 1
                while (writing.get() || k < db.count("SELECT event_seq FROM trawl.jobs WHERE id = $1", job)) {
                    for (var row : db.rows("SELECT seq FROM trawl.job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq",
                            job, k)) {
                        long seq = row.getLong(0);
                        assertThat(seq).as("reader after %d saw %d: an earlier number committed later", k, seq)
                                .isEqualTo(k + 1);
                        seen.add(seq);
                        k = seq;
                    }
                }
                return seen;
            });
            List<Future<List<EventEnvelope>>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int batch = i % 5 == 0 ? 3 : 1;
                results.add(threads.submit(() -> appendInTransaction(batch).await().atMost(Duration.ofSeconds(60))));
            }
            List<Long> returned = new ArrayList<>();
            for (Future<List<EventEnvelope>> f : results) {
                List<EventEnvelope> batch = f.get();
                // a batch takes consecutive numbers
                for (int i = 1; i < batch.size(); i++) {
                    assertThat(batch.get(i).seq()).isEqualTo(batch.get(i - 1).seq() + 1);
                }
                batch.forEach(e -> returned.add(e.seq()));
            }
            writing.set(false);
            List<Long> seen = reader.get();

            long total = writers + 2L * (writers / 5);
            List<Long> expected = LongStream.rangeClosed(2, total + 1).boxed().toList();
            Collections.sort(returned);
            assertThat(returned).containsExactlyElementsOf(expected);
            assertThat(seen).containsExactlyElementsOf(expected);
            assertThat(db.rows("SELECT seq FROM trawl.job_events WHERE job_id = $1 ORDER BY seq", job))
                    .extracting(r -> r.getLong(0)).containsExactlyElementsOf(LongStream.rangeClosed(1, total + 1).boxed().toList());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRolledBackAppendLeavesNoGap() {
        db.pool().withTransaction(tx -> EventLog.append(tx, job, Events.jobStarted())
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("roll back"))))
                .onFailure().recoverWithNull().await().atMost(Duration.ofSeconds(10));
        List<EventEnvelope> next = db.pool().withTransaction(tx -> EventLog.append(tx, job, Events.jobStarted()))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(next).extracting(EventEnvelope::seq).containsExactly(2L);
    }

    @Test
    void theStoredEnvelopeIsWhatEveryoneReads() {
        List<EventEnvelope> appended = db.pool().withTransaction(tx -> EventLog.append(tx, job,
                Events.taskSucceeded(7, "https://a.example/1", 200, 3, 4, 120, 2048))).await().atMost(Duration.ofSeconds(10));
        var row = db.rows("SELECT seq, type, data::text AS data, created_at FROM trawl.job_events WHERE job_id = $1 AND seq = 2",
                job).get(0);
        EventEnvelope read = EventLog.toEnvelope(job, row);
        assertThat(io.trawl.common.json.WireJson.encodeString(read))
                .isEqualTo(io.trawl.common.json.WireJson.encodeString(appended.get(0)));
        assertThat(appended.get(0).routingKey()).isEqualTo("job." + job + ".task.succeeded");
    }
}
