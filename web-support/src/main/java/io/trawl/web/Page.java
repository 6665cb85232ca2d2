package io.trawl.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.function.Function;

/** One page of a listing; {@code nextCursor} is absent on the last page. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Builds a page from up to {@code limit + 1} rows (the extra row only says there is more): the first
     * {@code limit} rows mapped to views, and the cursor of the last of them when there is more ({@code cursorOf}
     * gives its raw text; the page carries it encoded, see {@link PageRequest#encode}).
     */
    public static <R, T> Page<T> of(List<R> rows, int limit, Function<R, T> view, Function<R, String> cursorOf) {
        boolean more = rows.size() > limit;
        List<R> items = more ? rows.subList(0, limit) : rows;
        return new Page<>(items.stream().map(view).toList(),
                more ? PageRequest.encode(cursorOf.apply(items.get(items.size() - 1))) : null);
    }
}
