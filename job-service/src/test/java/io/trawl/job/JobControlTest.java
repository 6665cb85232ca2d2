package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.trawl.common.message.ControlAction;
import io.trawl.common.message.ControlMessage;
import io.trawl.common.message.Topology;
import io.trawl.job.dispatch.Dispatcher;
import io.trawl.job.reaper.Reaper;
import io.trawl.job.support.FakeWorker;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestBroker;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job state machine over REST (guarantee 3's control side): transitions, repeats, 409s, effects. */
@QuarkusTest
class JobControlTest {

    @Inject
    TestDb db;

    @Inject
    Dispatcher dispatcher;

    @Inject
    Reaper reaper;

    TestBroker broker;
    String controlQueue;

    @BeforeEach
    void setUp() {
        db.reset();
        broker = new TestBroker();
        broker.purgeTasks();
        controlQueue = broker.bindTemporaryQueue(Topology.CONTROL_EXCHANGE, "");
    }

    @AfterEach
    void tearDown() {
        broker.close();
    }

    static String create(String spec) {
        return given().auth().oauth2("test-key").contentType("application/json").body(spec).post("/api/v1/jobs")
                .then().statusCode(201).extract().path("id");
    }

    static ValidatableResponse control(String id, String command) {
        return given().auth().oauth2("test-key").post("/api/v1/jobs/" + id + "/" + command).then();
    }

    long events(String id) {
        return db.count("SELECT count(*) FROM trawl.job_events WHERE job_id = $1", UUID.fromString(id));
    }

    List<String> eventTypes(String id) {
        return db.rows("SELECT type FROM trawl.job_events WHERE job_id = $1 ORDER BY seq", UUID.fromString(id))
                .stream().map(r -> r.getString(0)).toList();
    }

    void dispatchAll() {
        while (dispatcher.dispatchOnce().await().atMost(Duration.ofSeconds(30)) > 0) {
            // until nothing is due
        }
    }

    @Test
    void pendingJobPausesResumesAndIsKilledOnce() {
        String id = create(Specs.simple("p"));
        control(id, "pause").statusCode(200).body("status", equalTo("paused")).body("pausedAt", org.hamcrest.Matchers.notNullValue());
        control(id, "pause").statusCode(200).body("status", equalTo("paused"));
        assertThat(eventTypes(id)).containsExactly("job.created", "job.paused");

        control(id, "resume").statusCode(200).body("status", equalTo("pending"));
        control(id, "resume").statusCode(200).body("status", equalTo("pending"));
        control(id, "retry").statusCode(200).body("status", equalTo("pending"));
        assertThat(eventTypes(id)).containsExactly("job.created", "job.paused", "job.resumed");

        control(id, "kill").statusCode(200).body("status", equalTo("killed")).body("finishedAt", org.hamcrest.Matchers.notNullValue());
        control(id, "kill").statusCode(200).body("status", equalTo("killed"));
        assertThat(eventTypes(id)).containsExactly("job.created", "job.paused", "job.resumed", "job.killed");
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'cancelled'",
                UUID.fromString(id))).isEqualTo(2);

        long before = events(id);
        for (String illegal : List.of("resume", "pause", "retry")) {
            control(id, illegal).statusCode(409).contentType("application/problem+json")
                    .body("status", equalTo(409)).body("type", equalTo("urn:trawl:problem:conflict"));
        }
        assertThat(events(id)).isEqualTo(before);
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + id).then().body("status", equalTo("killed"));
    }

    @Test
    void runningJobPauseRequeuesQueuedTasksAndTellsTheWorkers() {
        String id = create(Specs.pages("run", "ctl.example", 6, 4, 0));
        UUID job = UUID.fromString(id);
        dispatchAll();
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + id).then().body("status", equalTo("running"))
                .body("tasks.queued", equalTo(4)).body("startedAt", org.hamcrest.Matchers.notNullValue());
        assertThat(eventTypes(id)).containsExactly("job.created", "job.started");

        control(id, "pause").statusCode(200).body("status", equalTo("paused"));
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'pending'", job)).isEqualTo(6);
        assertThat(db.rows("SELECT data->>'requeuedTasks' FROM trawl.job_events WHERE job_id = $1 AND type = 'job.paused'",
                job).get(0).getString(0)).isEqualTo("4");
        ControlMessage pause = awaitControl();
        assertThat(pause.jobId()).isEqualTo(job);
        assertThat(pause.action()).isEqualTo(ControlAction.PAUSE);

        // paused: nothing is dispatched
        assertThat(dispatcher.dispatchOnce().await().atMost(Duration.ofSeconds(30))).isZero();

        control(id, "resume").statusCode(200).body("status", equalTo("running"));
        assertThat(awaitControl().action()).isEqualTo(ControlAction.RESUME);
        dispatchAll();
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'queued'", job)).isEqualTo(4);

        control(id, "kill").statusCode(200).body("status", equalTo("killed"));
        assertThat(awaitControl().action()).isEqualTo(ControlAction.KILL);
        assertThat(db.count("SELECT count(*) FROM trawl.tasks WHERE job_id = $1 AND state = 'cancelled'", job)).isEqualTo(6);
        long afterKill = events(id);
        reaper.reapOnce().await().atMost(Duration.ofSeconds(30));
        dispatchAll();
        assertThat(events(id)).as("nothing follows job.killed").isEqualTo(afterKill);
        assertThat(eventTypes(id)).last().isEqualTo("job.killed");
    }

    @Test
    void killedRunningTaskCannotWriteItsOutcome() {
        String id = create(Specs.pages("lease", "lease.example", 1, 1, 0));
        UUID job = UUID.fromString(id);
        dispatchAll();
        long task = db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1", job).get(0).getLong(0);
        FakeWorker worker = new FakeWorker(db);
        assertThat(worker.claim(task, 60_000)).isTrue();
        control(id, "kill").statusCode(200);
        worker.succeed(task); // the outcome write is guarded by state = 'running': it matches nothing
        assertThat(db.rows("SELECT state FROM trawl.tasks WHERE id = $1", task).get(0).getString(0)).isEqualTo("cancelled");
        assertThat(db.count("SELECT tasks_done FROM trawl.jobs WHERE id = $1", job)).isZero();
    }

    @Test
    void retryRequeuesOnlyFailedTasksOfAFinishedJob() {
        String id = create(Specs.pages("retry", "retry.example", 3, 4, 0));
        UUID job = UUID.fromString(id);
        dispatchAll();
        FakeWorker worker = new FakeWorker(db);
        List<Long> tasks = db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1 ORDER BY id", job).stream()
                .map(r -> r.getLong(0)).toList();
        tasks.forEach(t -> worker.claim(t, 60_000));
        worker.succeed(tasks.get(0));
        worker.fail(tasks.get(1));
        worker.fail(tasks.get(2));
        reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30));
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + id).then().body("status", equalTo("completed"))
                .body("progress.tasksFailed", equalTo(2)).body("progress.tasksDone", equalTo(1));

        control(id, "pause").statusCode(409);
        control(id, "kill").statusCode(409);
        control(id, "resume").statusCode(409);
        control(id, "retry").statusCode(200).body("status", equalTo("running")).body("progress.tasksFailed", equalTo(0))
                .body("finishedAt", org.hamcrest.Matchers.nullValue());
        control(id, "retry").statusCode(200).body("status", equalTo("running"));
        assertThat(eventTypes(id)).containsExactly("job.created", "job.started", "job.completed", "job.resumed");
        assertThat(db.rows("SELECT data->>'reason', data->>'requeuedTasks' FROM trawl.job_events WHERE job_id = $1 "
                + "AND type = 'job.resumed'", job)).singleElement()
                .satisfies(r -> assertThat(r.getString(0) + "/" + r.getString(1)).isEqualTo("retry/2"));
        assertThat(db.rows("SELECT state, attempt FROM trawl.tasks WHERE job_id = $1 ORDER BY id", job))
                .extracting(r -> r.getString(0) + ":" + r.getInteger(1))
                .containsExactly("succeeded:1", "pending:0", "pending:0");

        // the retried tasks go out again; once they succeed the job completes a second time
        dispatchAll();
        tasks.subList(1, 3).forEach(t -> {
            worker.claim(t, 60_000);
            worker.succeed(t);
        });
        reaper.completeFinishedJobs().await().atMost(Duration.ofSeconds(30));
        given().auth().oauth2("test-key").get("/api/v1/jobs/" + id).then().body("status", equalTo("completed"))
                .body("progress.tasksDone", equalTo(3));
        control(id, "retry").statusCode(409).body("detail", org.hamcrest.Matchers.containsString("no failed tasks"));
    }

    private ControlMessage awaitControl() {
        byte[][] body = new byte[1][];
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> (body[0] = broker.takeOne(controlQueue)) != null);
        return io.trawl.common.json.WireJson.decode(body[0], ControlMessage.class);
    }
}
