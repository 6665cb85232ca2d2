package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.trawl.job.repository.ItemRecord;

/** One extracted item: the page it came from, its position there, and its fields. */
@JsonPropertyOrder({"id", "taskId", "url", "ordinal", "data"})
public record ItemView(long id, long taskId, String url, int ordinal, @JsonRawValue String data) {

    static ItemView of(ItemRecord item) {
        return new ItemView(item.id(), item.taskId(), item.url(), item.ordinal(), item.data());
    }
}
