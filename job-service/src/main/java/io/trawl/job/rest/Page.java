package io.trawl.job.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One page of a listing; {@code nextCursor} is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> items, String nextCursor) {
}
