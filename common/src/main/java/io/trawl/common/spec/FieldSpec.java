package io.trawl.common.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One extracted field: the text of the first element matching {@code selector}, or, when {@code attr} is
 * set, that attribute's value (absolute URLs for href/src).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldSpec(String selector, String attr) {
}
