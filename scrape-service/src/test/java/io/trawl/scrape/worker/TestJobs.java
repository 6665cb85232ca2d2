package io.trawl.scrape.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.ControlAction;
import io.trawl.common.message.ControlMessage;
import io.trawl.common.message.Topology;
import io.trawl.fixtures.Jobs;
import io.trawl.fixtures.SpecBuilder;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The test side of job-service, in plain JDBC: creates running jobs with their seed tasks, and pauses,
 * resumes and kills them the way job-service does (state change + event in one transaction, then the
 * control message), so the worker can be observed from the outside.
 */
final class TestJobs {

    record TaskRow(long id, String url, String state, int attempt, String lastError, Integer httpStatus, int depth) {
    }

    record EventRow(long seq, String type, String data) {
    }

    record ItemRow(long taskId, String url, int ordinal, String data) {
    }

    record JobRow(String status, int tasksTotal, int tasksDone, int tasksFailed, long items, long eventSeq) {
    }

    private TestJobs() {
    }

    /** Inserts a running job with its seeds as pending tasks. */
    static UUID create(SpecBuilder spec) {
        try (var db = TestInfra.db()) {
            return Jobs.aRunningJob().withSpec(spec).insert(db);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<TaskRow> tasks(UUID jobId) {
        List<TaskRow> rows = new ArrayList<>();
        query("SELECT id, url, state, attempt, last_error, http_status, depth FROM trawl.tasks WHERE job_id = ? ORDER BY id",
                jobId, rs -> rows.add(new TaskRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), (Integer) rs.getObject(6), rs.getInt(7))));
        return rows;
    }

    static TaskRow task(UUID jobId, String url) {
        return tasks(jobId).stream().filter(t -> t.url().equals(url)).findFirst()
                .orElseThrow(() -> new AssertionError("no task " + url));
    }

    static List<EventRow> events(UUID jobId) {
        List<EventRow> rows = new ArrayList<>();
        query("SELECT seq, type, data::text FROM trawl.job_events WHERE job_id = ? ORDER BY seq", jobId,
                rs -> rows.add(new EventRow(rs.getLong(1), rs.getString(2), rs.getString(3))));
        return rows;
    }

    static List<ItemRow> items(UUID jobId) {
        List<ItemRow> rows = new ArrayList<>();
        query("SELECT task_id, url, ordinal, data::text FROM trawl.items WHERE job_id = ? ORDER BY task_id, ordinal",
                jobId, rs -> rows.add(new ItemRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4))));
        return rows;
    }

    static JobRow job(UUID jobId) {
        List<JobRow> rows = new ArrayList<>();
        query("SELECT status, tasks_total, tasks_done, tasks_failed, items, event_seq FROM trawl.jobs WHERE id = ?", jobId,
                rs -> rows.add(new JobRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getLong(5),
                        rs.getLong(6))));
        return rows.get(0);
    }

    /** True when every task of the job is succeeded, failed or cancelled. */
    static boolean settled(UUID jobId) {
        return tasks(jobId).stream().allMatch(t -> t.state().equals("succeeded") || t.state().equals("failed")
                || t.state().equals("cancelled"));
    }

    static void exec(String sql, Object... args) {
        try (var db = TestInfra.db(); PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What job-service's pause does: paused, queued tasks back to pending, job.paused; then the control message. */
    static Instant pause(UUID jobId) {
        transition(jobId, "UPDATE trawl.jobs SET status = 'paused', paused_at = now() WHERE id = ?",
                "UPDATE trawl.tasks SET state = 'pending', queued_at = NULL WHERE job_id = ? AND state = 'queued'",
                "job.paused", "{\"requeuedTasks\": 0}");
        Instant at = Instant.now();
        control(jobId, ControlAction.PAUSE);
        return at;
    }

    static void resume(UUID jobId) {
        transition(jobId, "UPDATE trawl.jobs SET status = 'running', paused_at = NULL WHERE id = ?", null,
                "job.resumed", "{\"reason\": \"resume\", \"requeuedTasks\": 0}");
        control(jobId, ControlAction.RESUME);
    }

    /** What job-service's kill does: killed, every open task cancelled, job.killed; then the control message. */
    static long kill(UUID jobId) {
        long seq = transition(jobId, "UPDATE trawl.jobs SET status = 'killed', finished_at = now() WHERE id = ?",
                "UPDATE trawl.tasks SET state = 'cancelled', finished_at = now(), queued_at = NULL "
                        + "WHERE job_id = ? AND state IN ('pending', 'queued', 'running')",
                "job.killed", "{\"cancelledTasks\": 0}");
        control(jobId, ControlAction.KILL);
        return seq;
    }

    private static long transition(UUID jobId, String jobSql, String taskSql, String event, String data) {
        try (var db = TestInfra.db()) {
            db.setAutoCommit(false);
            // FOR UPDATE first, as job-service's writers lock a job: it waits for a dispatch round (FOR KEY SHARE)
            try (PreparedStatement lock = db.prepareStatement("SELECT 1 FROM trawl.jobs WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, jobId);
                lock.executeQuery().close();
            }
            long seq;
            try (PreparedStatement lock = db.prepareStatement(
                    "UPDATE trawl.jobs SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq")) {
                lock.setObject(1, jobId);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            for (String sql : taskSql == null ? List.of(jobSql) : List.of(jobSql, taskSql)) {
                try (PreparedStatement st = db.prepareStatement(sql)) {
                    st.setObject(1, jobId);
                    st.executeUpdate();
                }
            }
            try (PreparedStatement ev = db.prepareStatement(
                    "INSERT INTO trawl.job_events (job_id, seq, type, data) VALUES (?, ?, ?, ?::jsonb)")) {
                ev.setObject(1, jobId);
                ev.setLong(2, seq);
                ev.setString(3, event);
                ev.setString(4, data);
                ev.executeUpdate();
            }
            db.commit();
            return seq;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void control(UUID jobId, ControlAction action) {
        try (Connection rabbit = TestInfra.rabbit("scrape-test-control"); Channel ch = rabbit.createChannel()) {
            ch.basicPublish(Topology.CONTROL_EXCHANGE, "", TestInfra.persistentJson(),
                    WireJson.encode(new ControlMessage(jobId, action, Instant.now())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private static void query(String sql, UUID jobId, RowReader reader) {
        try (var db = TestInfra.db(); PreparedStatement st = db.prepareStatement(sql)) {
            st.setObject(1, jobId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
