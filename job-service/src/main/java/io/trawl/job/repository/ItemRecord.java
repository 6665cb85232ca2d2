package io.trawl.job.repository;

import io.vertx.mutiny.sqlclient.Row;

/** A row of {@code trawl.items}; {@code data} is the item's JSON object as text. */
public record ItemRecord(long id, long taskId, String url, int ordinal, String data) {

    static ItemRecord from(Row row) {
        return new ItemRecord(row.getLong("id"), row.getLong("task_id"), row.getString("url"),
                row.getInteger("ordinal"), row.getString("data"));
    }
}
