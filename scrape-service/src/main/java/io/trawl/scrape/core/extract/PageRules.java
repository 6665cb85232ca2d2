package io.trawl.scrape.core.extract;

import java.util.List;
import java.util.Map;
import com.google.re2j.Pattern;

/**
 * The extract and crawl rules of a job, compiled once per job (regexes) and shared by every page of it; the
 * core's own record, built from a job spec by the worker ({@code JobRules}). Immutable and thread-safe.
 *
 * @param extractOn  pages to extract from (null: every page; null extract: none)
 * @param item       CSS selector of one item (null: the whole page is one item)
 * @param fields     field name → selector (+ attribute), in spec order
 * @param follow     CSS selectors of links to follow
 * @param include    a link must match one of these (when any)
 * @param exclude    a link must match none of these
 * @param sameHost   links must stay on the page's host
 * @param maxDepth   links are followed only from pages shallower than this
 */
public record PageRules(boolean extract, Pattern extractOn, String item, Map<String, FieldRule> fields,
        List<String> follow, List<Pattern> include, List<Pattern> exclude, boolean sameHost, int maxDepth) {

    /** True when items are extracted from the page at {@code url}. */
    public boolean extractsFrom(String url) {
        return extract && !fields.isEmpty() && (extractOn == null || extractOn.matcher(url).find());
    }
}
