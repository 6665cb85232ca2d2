package io.trawl.common.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * What to extract: on pages whose URL matches {@code on} (every page when null), each element matching
 * {@code item} (the whole document when null) becomes one item whose fields are read with their selectors.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExtractSpec(String on, String item, Map<String, FieldSpec> fields) {
}
