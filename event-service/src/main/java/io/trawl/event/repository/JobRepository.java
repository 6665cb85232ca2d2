package io.trawl.event.repository;

import io.smallrye.mutiny.Uni;
import io.trawl.common.state.JobStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of {@code trawl.jobs}. {@code event_seq} as read here is the highest committed event number: the
 * sequence update keeps the row locked until its transaction commits, so a plain read never sees a number
 * whose event is not visible yet.
 */
@ApplicationScoped
public class JobRepository {

    private static final String COLUMNS = "id, tenant, status, event_seq";

    private final Pool pool;

    public JobRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<JobHead>> find(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM trawl.jobs WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.size() == 0
                        ? Optional.<JobHead>empty()
                        : Optional.of(head(rows.iterator().next())));
    }

    /** The jobs of {@code ids} that exist. */
    public Uni<List<JobHead>> findAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM trawl.jobs WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .onItem().transform(rows -> {
                    List<JobHead> heads = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        heads.add(head(row));
                    }
                    return heads;
                });
    }

    private static JobHead head(Row row) {
        return new JobHead(row.getUUID("id"), row.getString("tenant"), JobStatus.fromWire(row.getString("status")),
                row.getLong("event_seq"));
    }
}
