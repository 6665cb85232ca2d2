package io.trawl.job.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Blocking SQL for test threads, on the service's own pool (the real Postgres test database). */
@ApplicationScoped
public class TestDb {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Pool pool;

    public TestDb(Pool pool) {
        this.pool = pool;
    }

    /** Empties every table the tests use (jobs cascade to tasks, items and events). */
    public void reset() {
        update("TRUNCATE trawl.jobs, trawl.hosts, trawl.schedules, trawl.schedule_runs CASCADE");
    }

    public int update(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).rowCount();
    }

    public List<Row> rows(String sql, Object... args) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).forEach(rows::add);
        return rows;
    }

    public long count(String sql, Object... args) {
        return rows(sql, args).get(0).getLong(0);
    }

    /** Row counts of the tables a request could write to, to prove a bad request wrote nothing. */
    public List<Long> footprint() {
        return List.of(count("SELECT count(*) FROM trawl.jobs"), count("SELECT count(*) FROM trawl.tasks"),
                count("SELECT count(*) FROM trawl.job_events"), count("SELECT count(*) FROM trawl.hosts"),
                count("SELECT count(*) FROM trawl.items"));
    }

    public Pool pool() {
        return pool;
    }
}
