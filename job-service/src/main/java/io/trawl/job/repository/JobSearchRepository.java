package io.trawl.job.repository;

import io.smallrye.mutiny.Uni;
import io.trawl.common.state.JobStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Job and schedule listings with the dashboard's filters, for one tenant or (an admin's empty scope) every
 * tenant: keyset paging on {@code (created_at, id)}, newest first, never OFFSET.
 */
@ApplicationScoped
public class JobSearchRepository {

    /** What a listing (or a bulk action on "all matching") selects; every part is optional. */
    public record JobFilter(Optional<String> tenant, JobStatus status, String nameContains, UUID scheduleId) {

        public static JobFilter of(Optional<String> tenant) {
            return new JobFilter(tenant, null, null, null);
        }
    }

    private final Pool pool;

    public JobSearchRepository(Pool pool) {
        this.pool = pool;
    }

    /** A page of jobs matching {@code filter}, newest first, after {@code after}. */
    public Uni<List<JobRecord>> search(JobFilter filter, JobRepository.ListCursor after, int limit) {
        Tuple args = Tuple.tuple();
        List<String> where = conditions(filter, args);
        if (after != null) {
            args.addValue(JobRepository.utc(after.createdAt()));
            args.addValue(after.id());
            where.add("(created_at, id) < ($" + (args.size() - 1) + ", $" + args.size() + ")");
        }
        args.addValue(limit);
        String sql = "SELECT " + JobRecord.COLUMNS + " FROM trawl.jobs" + clause(where)
                + " ORDER BY created_at DESC, id DESC LIMIT $" + args.size();
        return pool.preparedQuery(sql).execute(args).onItem().transform(JobSearchRepository::jobs);
    }

    /** The ids (and tenants) of up to {@code limit} jobs matching {@code filter}, newest first. */
    public Uni<List<JobRecord>> matching(JobFilter filter, int limit) {
        return search(filter, null, limit);
    }

    /** How many jobs match {@code filter}. */
    public Uni<Long> count(JobFilter filter) {
        Tuple args = Tuple.tuple();
        String sql = "SELECT count(*) AS n FROM trawl.jobs" + clause(conditions(filter, args));
        return pool.preparedQuery(sql).execute(args).onItem().transform(rows -> rows.iterator().next().getLong("n"));
    }

    /** The job with this id in {@code tenant} (any tenant when empty). */
    public Uni<Optional<JobRecord>> find(Optional<String> tenant, UUID id) {
        String sql = "SELECT " + JobRecord.COLUMNS + " FROM trawl.jobs WHERE id = $1"
                + (tenant.isPresent() ? " AND tenant = $2" : "");
        Tuple args = tenant.map(t -> Tuple.of(id, t)).orElse(Tuple.of(id));
        return pool.preparedQuery(sql).execute(args).onItem().transform(rows -> {
            List<JobRecord> list = jobs(rows);
            return list.isEmpty() ? Optional.<JobRecord>empty() : Optional.of(list.get(0));
        });
    }

    /** The jobs of these ids in {@code tenant} (any tenant when empty); unknown ids are left out. */
    public Uni<List<JobRecord>> findAll(Optional<String> tenant, List<UUID> ids) {
        String sql = "SELECT " + JobRecord.COLUMNS + " FROM trawl.jobs WHERE id = ANY($1)"
                + (tenant.isPresent() ? " AND tenant = $2" : "") + " ORDER BY created_at DESC, id DESC";
        UUID[] array = ids.toArray(UUID[]::new);
        Tuple args = tenant.map(t -> Tuple.of(array, t)).orElse(Tuple.of((Object) array));
        return pool.preparedQuery(sql).execute(args).onItem().transform(JobSearchRepository::jobs);
    }

    /** A page of schedules of {@code tenant} (every tenant when empty), newest first. */
    public Uni<List<ScheduleRecord>> schedules(Optional<String> tenant, JobRepository.ListCursor after, int limit) {
        Tuple args = Tuple.tuple();
        List<String> where = new ArrayList<>();
        tenant.ifPresent(t -> {
            args.addValue(t);
            where.add("tenant = $" + args.size());
        });
        if (after != null) {
            args.addValue(JobRepository.utc(after.createdAt()));
            args.addValue(after.id());
            where.add("(created_at, id) < ($" + (args.size() - 1) + ", $" + args.size() + ")");
        }
        args.addValue(limit);
        String sql = "SELECT " + ScheduleRecord.COLUMNS + " FROM trawl.schedules"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_at DESC, id DESC LIMIT $" + args.size();
        return pool.preparedQuery(sql).execute(args).onItem().transform(rows -> {
            List<ScheduleRecord> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(ScheduleRecord.from(row)));
            return list;
        });
    }

    /** The schedule with this id in {@code tenant} (any tenant when empty). */
    public Uni<Optional<ScheduleRecord>> findSchedule(Optional<String> tenant, UUID id) {
        String sql = "SELECT " + ScheduleRecord.COLUMNS + " FROM trawl.schedules WHERE id = $1"
                + (tenant.isPresent() ? " AND tenant = $2" : "");
        Tuple args = tenant.map(t -> Tuple.of(id, t)).orElse(Tuple.of(id));
        return pool.preparedQuery(sql).execute(args).onItem().transform(rows -> rows.iterator().hasNext()
                ? Optional.of(ScheduleRecord.from(rows.iterator().next())) : Optional.empty());
    }

    /** The filter's conditions, their values appended to {@code args}. */
    private static List<String> conditions(JobFilter filter, Tuple args) {
        List<String> where = new ArrayList<>();
        filter.tenant().ifPresent(t -> {
            args.addValue(t);
            where.add("tenant = $" + args.size());
        });
        if (filter.status() != null) {
            args.addValue(filter.status().wire());
            where.add("status = $" + args.size());
        }
        if (filter.nameContains() != null && !filter.nameContains().isEmpty()) {
            args.addValue("%" + escapeLike(filter.nameContains()) + "%");
            where.add("name ILIKE $" + args.size());
        }
        if (filter.scheduleId() != null) {
            args.addValue(filter.scheduleId());
            where.add("schedule_id = $" + args.size());
        }
        return where;
    }

    private static String clause(List<String> where) {
        return where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static List<JobRecord> jobs(RowSet<Row> rows) {
        List<JobRecord> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(JobRecord.from(row)));
        return list;
    }
}
