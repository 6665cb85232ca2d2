package io.trawl.job.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.trawl.web.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/** One page of a webhook listing ({@code items}, {@code nextCursor} absent on the last page), as the other listings. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Listing<T>(List<T> items, String nextCursor) {

    /** From up to {@code limit + 1} rows: the extra row only says there is more. */
    static <R, T> Listing<T> of(List<R> rows, int limit, Function<R, T> view, Function<R, String> cursorOf) {
        boolean more = rows.size() > limit;
        List<R> items = more ? rows.subList(0, limit) : rows;
        return new Listing<>(items.stream().map(view).toList(),
                more ? encode(cursorOf.apply(items.get(items.size() - 1))) : null);
    }

    static int limit(String limit, int defaultLimit, int maxLimit) {
        if (limit == null || limit.isBlank()) {
            return defaultLimit;
        }
        try {
            int parsed = Integer.parseInt(limit.strip());
            if (parsed >= 1 && parsed <= maxLimit) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badParameter("limit", "must be an integer between 1 and " + maxLimit);
    }

    /** The raw text of a cursor this listing returned; null when absent. */
    static String cursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
    }

    static ProblemException invalidCursor() {
        return ProblemException.badParameter("cursor", "is not a cursor returned by this listing");
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
