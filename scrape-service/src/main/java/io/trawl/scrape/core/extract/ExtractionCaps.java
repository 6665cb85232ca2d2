package io.trawl.scrape.core.extract;

import io.trawl.common.spec.LimitsSpec;

/**
 * What one page may yield (a job's {@code limits}): items, UTF-8 bytes per field value, links, and extracted
 * bytes in total (field values summed over the page's items). Output past a cap is cut — the first items and
 * links in document order are kept, a value is shortened at a character boundary — so a hostile page (a
 * 2,000-deep nest matched by {@code item: "*"}) costs bounded memory and time, never the worker.
 */
public record ExtractionCaps(int maxItems, int maxFieldBytes, int maxLinks, long maxTotalBytes) {

    public static final ExtractionCaps DEFAULTS = of(LimitsSpec.defaults());

    public static ExtractionCaps of(LimitsSpec limits) {
        return new ExtractionCaps(limits.maxItemsPerPage(), limits.maxFieldBytes(), limits.maxLinksPerPage(),
                limits.maxExtractedBytes());
    }
}
