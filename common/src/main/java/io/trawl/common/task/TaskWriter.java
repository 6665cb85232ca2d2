package io.trawl.common.task;

import io.smallrye.mutiny.Uni;
import io.trawl.common.url.CanonicalUrl;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Creates a job's tasks: the one way every task producer (seeds in job-service, discovered links in
 * scrape-service) inserts them, so that "a URL is fetched once per job" and {@code crawl.maxPages} hold
 * exactly. The caller must hold the job row's lock (it does when it appends an event in the same
 * transaction, or it created the job in it).
 */
public final class TaskWriter {

    private static final String TOTAL = "SELECT tasks_total FROM trawl.jobs WHERE id = $1";
    private static final String EXISTING =
            "SELECT url_hash FROM trawl.tasks WHERE job_id = $1 AND url_hash = ANY($2::bytea[])";
    /**
     * Only the hosts not there yet: an {@code ON CONFLICT} on a host row that a dispatch round has updated and not
     * yet committed waits for that round (its publisher confirms included), and this transaction holds the job
     * row meanwhile. Host rows are never deleted, so one seen in this statement's snapshot stays.
     */
    private static final String HOSTS = "INSERT INTO trawl.hosts (host) SELECT DISTINCT h FROM unnest($1::text[]) AS h "
            + "WHERE NOT EXISTS (SELECT 1 FROM trawl.hosts k WHERE k.host = h) ON CONFLICT DO NOTHING";
    private static final String INSERT =
            "INSERT INTO trawl.tasks (job_id, url, url_hash, host, depth, parent_task_id, max_attempts) "
                    + "SELECT $1, u.url, u.hash, u.host, $5, $6, $7 "
                    + "FROM unnest($2::text[], $3::bytea[], $4::text[]) WITH ORDINALITY AS u(url, hash, host, n) "
                    + "ORDER BY u.n ON CONFLICT (job_id, url_hash) DO NOTHING";
    private static final String BUMP = "UPDATE trawl.jobs SET tasks_total = tasks_total + $2 WHERE id = $1";

    private TaskWriter() {
    }

    /**
     * Inserts {@code urls} as new pending tasks of the job at {@code depth}, in order, skipping URLs the
     * job already has and everything past {@code maxPages} tasks in total; registers their hosts for the
     * dispatcher; adds the count to {@code jobs.tasks_total}.
     *
     * @return how many tasks were created
     */
    public static Uni<Integer> insert(SqlConnection tx, UUID jobId, List<CanonicalUrl> urls, int depth,
            Long parentTaskId, int maxAttempts, int maxPages) {
        Map<String, CanonicalUrl> unique = new LinkedHashMap<>();
        for (CanonicalUrl url : urls) {
            unique.putIfAbsent(url.url(), url);
        }
        if (unique.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<CanonicalUrl> candidates = new ArrayList<>(unique.values());
        Buffer[] hashes = candidates.stream().map(u -> Buffer.buffer(u.hash())).toArray(Buffer[]::new);
        return tx.preparedQuery(TOTAL).execute(Tuple.of(jobId))
                .onItem().transformToUni(total -> {
                    long remaining = maxPages - (long) total.iterator().next().getInteger(0);
                    if (remaining <= 0) {
                        return Uni.createFrom().item(0);
                    }
                    return tx.preparedQuery(EXISTING).execute(Tuple.of(jobId, hashes))
                            .onItem().transformToUni(existing -> {
                                Set<String> known = new HashSet<>();
                                for (Row row : existing) {
                                    known.add(HexFormat.of().formatHex(row.getBuffer(0).getBytes()));
                                }
                                List<CanonicalUrl> fresh = new ArrayList<>();
                                for (int i = 0; i < candidates.size() && fresh.size() < remaining; i++) {
                                    if (!known.contains(HexFormat.of().formatHex(hashes[i].getBytes()))) {
                                        fresh.add(candidates.get(i));
                                    }
                                }
                                return insertFresh(tx, jobId, fresh, depth, parentTaskId, maxAttempts);
                            });
                });
    }

    /**
     * Inserts a batch of seed tasks (depth 0) of a job created in the caller's transaction, whose seeds were
     * checked against {@code crawl.maxPages} when the spec was parsed: URLs of earlier batches are skipped by
     * the insert's conflict clause (the job's {@code (job_id, url_hash)} index) instead of a lookup per batch.
     *
     * @return how many tasks were created
     */
    public static Uni<Integer> insertSeeds(SqlConnection tx, UUID jobId, List<CanonicalUrl> urls, int maxAttempts) {
        Map<String, CanonicalUrl> unique = new LinkedHashMap<>();
        for (CanonicalUrl url : urls) {
            unique.putIfAbsent(url.url(), url);
        }
        return insertFresh(tx, jobId, new ArrayList<>(unique.values()), 0, null, maxAttempts);
    }

    private static Uni<Integer> insertFresh(SqlConnection tx, UUID jobId, List<CanonicalUrl> fresh, int depth,
            Long parentTaskId, int maxAttempts) {
        if (fresh.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String[] urls = fresh.stream().map(CanonicalUrl::url).toArray(String[]::new);
        Buffer[] hashes = fresh.stream().map(u -> Buffer.buffer(u.hash())).toArray(Buffer[]::new);
        String[] hosts = fresh.stream().map(CanonicalUrl::hostKey).toArray(String[]::new);
        return tx.preparedQuery(HOSTS).execute(Tuple.of((Object) hosts))
                .chain(() -> tx.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
                        jobId, urls, hashes, hosts, depth, parentTaskId, maxAttempts})))
                .onItem().transform(rows -> rows.rowCount())
                .call(n -> tx.preparedQuery(BUMP).execute(Tuple.of(jobId, n)));
    }
}
