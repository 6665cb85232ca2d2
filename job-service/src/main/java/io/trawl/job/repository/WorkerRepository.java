package io.trawl.job.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code trawl.workers}: fleet-wide rows, not tenant data (scrape workers serve every tenant). */
@ApplicationScoped
public class WorkerRepository {

    private final Pool pool;

    public WorkerRepository(Pool pool) {
        this.pool = pool;
    }

    /** Every worker row, by service then id. */
    public Uni<List<WorkerRecord>> list() {
        return pool.query("SELECT " + WorkerRecord.COLUMNS + " FROM trawl.workers ORDER BY service, id").execute()
                .onItem().transform(rows -> {
                    List<WorkerRecord> list = new ArrayList<>(rows.size());
                    rows.forEach(row -> list.add(WorkerRecord.from(row)));
                    return list;
                });
    }
}
