package io.trawl.job.dispatch;

import io.smallrye.mutiny.Uni;
import io.trawl.common.spec.JobSpec;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The dispatcher's SQL, run in one transaction per round. Lock order: host rows (SKIP LOCKED: another
 * dispatcher owns them this round), then job rows (by id), then task rows — the same job-before-task order
 * every other writer follows.
 */
@ApplicationScoped
public class DispatchRepository {

    /** A task just marked queued: what goes into its message (with this dispatch's token). */
    public record QueuedTask(long id, UUID jobId, String url, int depth, int attempt, long dispatchToken) {
    }

    /**
     * The due hosts with due pending work of an active job, found from the active jobs: per job, its distinct
     * pending hosts by a skip scan of {@code tasks_pending_by_job_host} (one index probe per host, however many
     * tasks wait there), each kept if one of the job's tasks on it is due (a LIMIT 1 probe). An EXISTS over
     * tasks ⋈ jobs instead lets the planner, whose row counts trail a fast-growing frontier, hash every pending
     * task each round: 12 ms a round with 12,000 pending, most of Postgres's time in a one-host crawl.
     */
    private static final String LOCK_HOSTS = "WITH RECURSIVE pending_hosts(job_id, host) AS ("
            + "  SELECT j.id, (SELECT t.host FROM trawl.tasks t WHERE t.job_id = j.id AND t.state = 'pending' "
            + "    ORDER BY t.host LIMIT 1) FROM trawl.jobs j WHERE j.status IN ('pending', 'running') "
            + "  UNION ALL "
            + "  SELECT p.job_id, (SELECT t.host FROM trawl.tasks t WHERE t.job_id = p.job_id AND t.state = 'pending' "
            + "    AND t.host > p.host ORDER BY t.host LIMIT 1) FROM pending_hosts p WHERE p.host IS NOT NULL"
            + "), due_hosts AS ("
            + "  SELECT DISTINCT p.host FROM pending_hosts p CROSS JOIN LATERAL (SELECT 1 FROM trawl.tasks t "
            + "    WHERE t.job_id = p.job_id AND t.host = p.host AND t.state = 'pending' AND t.next_attempt_at <= now() "
            + "    ORDER BY t.id LIMIT 1) due " // id order: an index scan, never a sequential one
            // each job's scan ends in a NULL host; probed, it would read the whole table (no row matches)
            + "  WHERE p.host IS NOT NULL"
            + ") "
            + "SELECT h.host FROM trawl.hosts h JOIN due_hosts d ON d.host = h.host "
            + "WHERE h.next_dispatch_at <= now() AND (h.backoff_until IS NULL OR h.backoff_until <= now()) "
            + "ORDER BY h.next_dispatch_at LIMIT $1 FOR UPDATE OF h SKIP LOCKED";

    // A separate statement after the lock: its snapshot sees every dispatch that committed under it.
    private static final String HOST_SLOTS = "SELECT h.host, h.crawl_delay_ms, "
            + "(SELECT count(*) FROM trawl.tasks f WHERE f.host = h.host AND f.state IN ('queued', 'running'))::int "
            + "AS in_flight FROM trawl.hosts h WHERE h.host = ANY($1) ORDER BY h.next_dispatch_at";

    // Per (locked host, active job) only its first $2 due pending tasks by id, each pair one LIMITed scan of
    // tasks_pending_by_job_host (V8): the cost of a round does not grow with a job's backlog.
    private static final String CANDIDATES = "SELECT c.id, j.id AS job_id, h.host, c.job_rank::int AS job_rank, "
            + "COALESCE(jp.pass, 0) AS dispatch_pass, j.priority, j.per_host_concurrency, j.per_host_delay_ms "
            + "FROM unnest($1::text[]) AS h(host) "
            + "CROSS JOIN trawl.jobs j "
            + "LEFT JOIN trawl.job_pass jp ON jp.job_id = j.id "
            + "CROSS JOIN LATERAL (SELECT p.id, row_number() OVER (ORDER BY p.id) AS job_rank "
            + "  FROM (SELECT t.id FROM trawl.tasks t WHERE t.job_id = j.id AND t.host = h.host "
            + "        AND t.state = 'pending' AND t.next_attempt_at <= now() ORDER BY t.id LIMIT $2) p) c "
            + "WHERE j.status IN ('pending', 'running')";

    /**
     * FOR KEY SHARE: pause, kill and job-service's other writers lock a job FOR UPDATE and so wait for the round
     * (and the round for them), while the workers' outcome transactions (FOR NO KEY UPDATE) go on beside it; the
     * round holds this lock over the publisher confirms. The round writes no job row it locked here except a
     * pending job it starts, which no worker can be writing.
     */
    private static final String LOCK_ACTIVE_JOBS = "SELECT id FROM trawl.jobs WHERE id = ANY($1) "
            + "AND status IN ('pending', 'running') ORDER BY id FOR KEY SHARE";

    /**
     * Each chosen task is looked up by its key and locked (in id order, the order a worker's claim locks them),
     * then checked: still pending, of an active job. The conditions sit outside the LIMITed lookup on purpose:
     * written as one {@code WHERE id = ANY($1) AND state = 'pending' AND job_id = ANY($2)}, the planner, whose
     * row counts trail a fast-growing frontier, read every pending task of the job through a partial index
     * (12 ms a round at 11,000 pending, a full scan of the backlog at any size). The LIMIT keeps them from
     * being pushed into the lookup; the update itself finds the locked rows by key.
     */
    private static final String QUEUE = "WITH picked AS ("
            + "  SELECT p.id FROM unnest($1::bigint[]) AS x(id) "
            + "  CROSS JOIN LATERAL (SELECT t.id, t.state, t.job_id FROM trawl.tasks t WHERE t.id = x.id "
            + "    LIMIT 1 FOR UPDATE OF t) p "
            + "  WHERE p.state = 'pending' AND p.job_id = ANY($2)"
            + ") "
            + "UPDATE trawl.tasks SET state = 'queued', queued_at = now(), "
            + "dispatch_token = nextval('trawl.dispatch_tokens') "
            + "WHERE id IN (SELECT id FROM picked) "
            + "RETURNING id, job_id, url, depth, attempt, dispatch_token";

    private static final String BROWSER_JOBS = "SELECT id FROM trawl.jobs WHERE id = ANY($1) "
            + "AND spec->>'render' = 'browser'";

    private static final String START_JOBS = "UPDATE trawl.jobs SET status = 'running', "
            + "started_at = COALESCE(started_at, now()) WHERE id = ANY($1) AND status = 'pending' RETURNING id";

    // an upsert: a job a replica of the previous version created has no row yet
    private static final String ADVANCE_PASS = "INSERT INTO trawl.job_pass AS p (job_id, pass) "
            + "SELECT x.id, x.inc FROM unnest($1::uuid[], $2::float8[]) AS x(id, inc) "
            + "ON CONFLICT (job_id) DO UPDATE SET pass = p.pass + EXCLUDED.pass";

    private static final String SPACE_HOSTS = "UPDATE trawl.hosts h "
            + "SET next_dispatch_at = now() + x.delay * interval '1 millisecond', updated_at = now() "
            + "FROM unnest($1::text[], $2::int[]) AS x(host, delay) WHERE h.host = x.host";

    public Uni<List<String>> lockDueHosts(SqlConnection tx, int limit) {
        return tx.preparedQuery(LOCK_HOSTS).execute(Tuple.of(limit)).onItem().transform(rows -> {
            List<String> hosts = new ArrayList<>(rows.size());
            rows.forEach(row -> hosts.add(row.getString(0)));
            return hosts;
        });
    }

    public Uni<List<DispatchPlanner.HostSlot>> hostSlots(SqlConnection tx, List<String> hosts) {
        return tx.preparedQuery(HOST_SLOTS).execute(Tuple.of(hosts.toArray(String[]::new))).onItem().transform(rows -> {
            List<DispatchPlanner.HostSlot> slots = new ArrayList<>(rows.size());
            rows.forEach(r -> slots.add(new DispatchPlanner.HostSlot(r.getString("host"), r.getInteger("in_flight"),
                    r.getInteger("crawl_delay_ms"))));
            return slots;
        });
    }

    public Uni<List<DispatchPlanner.Candidate>> candidates(SqlConnection tx, List<String> hosts, int perJobLimit) {
        return tx.preparedQuery(CANDIDATES).execute(Tuple.of(hosts.toArray(String[]::new), perJobLimit))
                .onItem().transform(rows -> {
                    List<DispatchPlanner.Candidate> list = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        double weight = JobSpec.weightOf(r.getInteger("priority"));
                        list.add(new DispatchPlanner.Candidate(r.getLong("id"), r.getUUID("job_id"),
                                r.getString("host"), r.getDouble("dispatch_pass"), weight,
                                r.getInteger("per_host_concurrency"), r.getInteger("per_host_delay_ms"), r.getInteger("job_rank")));
                    }
                    return list;
                });
    }

    /** Locks the jobs (by id) and returns those still pending or running. */
    public Uni<Set<UUID>> lockActiveJobs(SqlConnection tx, Set<UUID> jobIds) {
        return tx.preparedQuery(LOCK_ACTIVE_JOBS).execute(Tuple.of(jobIds.toArray(UUID[]::new)))
                .onItem().transform(rows -> {
                    Set<UUID> active = new HashSet<>();
                    rows.forEach(row -> active.add(row.getUUID(0)));
                    return active;
                });
    }

    public Uni<List<QueuedTask>> queue(SqlConnection tx, List<Long> taskIds, Set<UUID> activeJobs) {
        Long[] ids = taskIds.stream().sorted().toArray(Long[]::new);
        return tx.preparedQuery(QUEUE).execute(Tuple.of(ids, activeJobs.toArray(UUID[]::new)))
                .onItem().transform(rows -> {
                    List<QueuedTask> queued = new ArrayList<>(rows.size());
                    rows.forEach(r -> queued.add(new QueuedTask(r.getLong("id"), r.getUUID("job_id"),
                            r.getString("url"), r.getInteger("depth"), r.getInteger("attempt"),
                            r.getLong("dispatch_token"))));
                    queued.sort(Comparator.comparingLong(QueuedTask::id)); // published in id order
                    return queued;
                });
    }

    /** Those of {@code jobIds} whose pages render in a browser (their tasks go to trawl.tasks.browser). */
    public Uni<Set<UUID>> browserJobs(SqlConnection tx, Set<UUID> jobIds) {
        return tx.preparedQuery(BROWSER_JOBS).execute(Tuple.of(jobIds.toArray(UUID[]::new)))
                .onItem().transform(rows -> {
                    Set<UUID> browser = new HashSet<>();
                    rows.forEach(row -> browser.add(row.getUUID(0)));
                    return browser;
                });
    }

    /** Moves pending jobs to running; returns the ones that changed (they get job.started). */
    public Uni<List<UUID>> startJobs(SqlConnection tx, Set<UUID> jobIds) {
        return tx.preparedQuery(START_JOBS).execute(Tuple.of(jobIds.toArray(UUID[]::new))).onItem().transform(rows -> {
            List<UUID> started = new ArrayList<>();
            rows.forEach(row -> started.add(row.getUUID(0)));
            return started;
        });
    }

    public Uni<Void> advancePass(SqlConnection tx, List<UUID> jobIds, List<Double> increments) {
        return tx.preparedQuery(ADVANCE_PASS)
                .execute(Tuple.of(jobIds.toArray(UUID[]::new), increments.toArray(Double[]::new)))
                .replaceWithVoid();
    }

    public Uni<Void> spaceHosts(SqlConnection tx, List<String> hosts, List<Integer> delaysMs) {
        return tx.preparedQuery(SPACE_HOSTS)
                .execute(Tuple.of(hosts.toArray(String[]::new), delaysMs.toArray(Integer[]::new)))
                .replaceWithVoid();
    }
}
