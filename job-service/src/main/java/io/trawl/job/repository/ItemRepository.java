package io.trawl.job.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a job's extracted items in insertion order (keyset paging on the item id). */
@ApplicationScoped
public class ItemRepository {

    private final Pool pool;

    public ItemRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<ItemRecord>> page(UUID jobId, long afterId, int limit) {
        return pool.preparedQuery("SELECT id, task_id, url, ordinal, data::text AS data FROM trawl.items "
                        + "WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .execute(Tuple.of(jobId, afterId, limit))
                .onItem().transform(rows -> {
                    List<ItemRecord> list = new ArrayList<>(rows.size());
                    rows.forEach(row -> list.add(ItemRecord.from(row)));
                    return list;
                });
    }
}
