package io.trawl.scrape.core.extract;

import io.trawl.common.url.CanonicalUrl;
import java.util.List;
import java.util.Map;

/**
 * What one page yielded.
 *
 * @param items items in document order; each maps the spec's field names (in spec order) to a value or null
 * @param links links to follow: absolute, canonical, filtered, de-duplicated, in document order
 */
public record ParsedPage(List<Map<String, String>> items, List<CanonicalUrl> links) {
}
