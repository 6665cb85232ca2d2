package io.trawl.job.repository;

import io.smallrye.mutiny.Uni;
import io.trawl.common.state.TaskState;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL on {@code trawl.tasks} for the control calls and the task listing. */
@ApplicationScoped
public class TaskRepository {

    private final Pool pool;

    public TaskRepository(Pool pool) {
        this.pool = pool;
    }

    /** Pause: queued tasks go back to pending (their messages will be dropped by the workers' claim). */
    public Uni<Integer> requeueQueued(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery("UPDATE trawl.tasks SET state = 'pending', queued_at = NULL "
                        + "WHERE job_id = $1 AND state = 'queued'")
                .execute(Tuple.of(jobId)).onItem().transform(rows -> rows.rowCount());
    }

    /** Kill: every task not finished is cancelled; a worker's later outcome write matches no row. */
    public Uni<Integer> cancelOpen(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery("UPDATE trawl.tasks SET state = 'cancelled', finished_at = now(), queued_at = NULL "
                        + "WHERE job_id = $1 AND state IN ('pending', 'queued', 'running')")
                .execute(Tuple.of(jobId)).onItem().transform(rows -> rows.rowCount());
    }

    /** Retry: failed tasks start over with a fresh attempt budget. */
    public Uni<Integer> retryFailed(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery("UPDATE trawl.tasks SET state = 'pending', attempt = 0, next_attempt_at = now(), "
                        + "last_error = NULL, http_status = NULL, finished_at = NULL, lease_owner = NULL, "
                        + "lease_token = NULL, lease_expires_at = NULL WHERE job_id = $1 AND state = 'failed'")
                .execute(Tuple.of(jobId)).onItem().transform(rows -> rows.rowCount());
    }

    /** A page of a job's tasks in id order, optionally of one state. */
    public Uni<List<TaskRecord>> list(UUID jobId, TaskState state, long afterId, int limit) {
        String sql = "SELECT " + TaskRecord.COLUMNS + " FROM trawl.tasks WHERE job_id = $1 AND id > $2"
                + (state == null ? "" : " AND state = $4") + " ORDER BY id LIMIT $3";
        Tuple args = Tuple.of(jobId, afterId, limit);
        if (state != null) {
            args.addValue(state.wire());
        }
        return pool.preparedQuery(sql).execute(args).onItem().transform(rows -> {
            List<TaskRecord> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(TaskRecord.from(row)));
            return list;
        });
    }

    /**
     * How many of the job's tasks are in each state, counting at most {@code cap} per state: bounded work however
     * big the job (the dashboard's job page with 100,000 tasks), one index-only range of {@code tasks_job_state}
     * per state. A value of {@code cap} means "at least {@code cap}".
     */
    public Uni<Map<TaskState, Long>> countByStateUpTo(UUID jobId, int cap) {
        String[] states = new String[TaskState.values().length];
        for (TaskState s : TaskState.values()) {
            states[s.ordinal()] = s.wire();
        }
        return pool.preparedQuery("SELECT s.state, (SELECT count(*) FROM (SELECT 1 FROM trawl.tasks t "
                        + "WHERE t.job_id = $1 AND t.state = s.state LIMIT $3) capped) AS n "
                        + "FROM unnest($2::text[]) AS s(state)")
                .execute(Tuple.of(jobId, states, cap)).onItem().transform(rows -> {
                    Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
                    rows.forEach(row -> counts.put(TaskState.fromWire(row.getString("state")), row.getLong("n")));
                    return counts;
                });
    }

    /** How many of the job's tasks are in each state, read on {@code client}. */
    public Uni<Map<TaskState, Long>> countByState(SqlClient client, UUID jobId) {
        return client.preparedQuery("SELECT state, count(*) AS n FROM trawl.tasks WHERE job_id = $1 GROUP BY state")
                .execute(Tuple.of(jobId)).onItem().transform(rows -> {
                    Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
                    for (TaskState s : TaskState.values()) {
                        counts.put(s, 0L);
                    }
                    rows.forEach(row -> counts.put(TaskState.fromWire(row.getString("state")), row.getLong("n")));
                    return counts;
                });
    }
}
