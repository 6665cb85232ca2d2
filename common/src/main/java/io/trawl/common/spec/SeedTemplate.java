package io.trawl.common.spec;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/** A URL with {@code {placeholders}}, expanded over the cartesian product of its parameter values. */
@RegisterForReflection
public record SeedTemplate(String url, Map<String, List<String>> params) {
}
