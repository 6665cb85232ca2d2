package io.trawl.common.spec;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One invalid input field: a JSON path such as {@code crawl.include[2]} and what is wrong with it. */
@RegisterForReflection
public record FieldError(String field, String message) {
}
