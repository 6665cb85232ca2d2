package io.trawl.scrape.core.extract;

import io.trawl.common.spec.CrawlSpec;
import io.trawl.common.spec.ExtractSpec;
import io.trawl.common.spec.FieldSpec;
import io.trawl.common.spec.JobSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.google.re2j.Pattern;

/**
 * A job spec's extract and crawl blocks, compiled once per job (regexes) and shared by every page of it.
 * Immutable and thread-safe.
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
public record PageRules(boolean extract, Pattern extractOn, String item, Map<String, FieldSpec> fields,
        List<String> follow, List<Pattern> include, List<Pattern> exclude, boolean sameHost, int maxDepth) {

    public static PageRules of(JobSpec spec) {
        ExtractSpec e = spec.extract();
        CrawlSpec c = spec.crawl() == null ? CrawlSpec.defaults() : spec.crawl();
        return new PageRules(
                e != null,
                e == null || e.on() == null ? null : Pattern.compile(e.on()),
                e == null ? null : e.item(),
                e == null || e.fields() == null ? Map.of() : new LinkedHashMap<>(e.fields()),
                c.follow() == null ? List.of() : List.copyOf(c.follow()),
                c.include() == null ? List.of() : c.include().stream().map(Pattern::compile).toList(),
                c.exclude() == null ? List.of() : c.exclude().stream().map(Pattern::compile).toList(),
                c.sameHost(),
                c.maxDepth());
    }

    /** True when items are extracted from the page at {@code url}. */
    public boolean extractsFrom(String url) {
        return extract && !fields.isEmpty() && (extractOn == null || extractOn.matcher(url).find());
    }
}
