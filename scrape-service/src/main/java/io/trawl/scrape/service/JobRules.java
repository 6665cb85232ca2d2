package io.trawl.scrape.service;

import io.trawl.common.spec.BrowserSpec;
import io.trawl.common.spec.CrawlSpec;
import io.trawl.common.spec.ExtractSpec;
import io.trawl.common.spec.FieldSpec;
import io.trawl.common.spec.JobSpec;
import io.trawl.scrape.core.extract.FieldRule;
import io.trawl.scrape.core.extract.PageRules;
import io.trawl.scrape.core.fetch.RenderRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.google.re2j.Pattern;

/**
 * A job's spec, its compiled page rules and, for a browser job, its render rules (cached per job: a spec never
 * changes).
 */
public record JobRules(JobSpec spec, PageRules page, RenderRules render) {

    public static JobRules of(JobSpec spec) {
        return new JobRules(spec, pageRules(spec), renderRules(spec));
    }

    /** The core's render rules of a browser job; null for a static one. */
    static RenderRules renderRules(JobSpec spec) {
        BrowserSpec b = spec.browser();
        if (!spec.rendersInBrowser() || b == null) {
            return null;
        }
        return new RenderRules(b.waitFor(), b.waitMs(), Set.copyOf(b.blockResources()), b.viewport().width(),
                b.viewport().height());
    }

    /** The core's page rules from a spec's extract and crawl blocks (regexes compiled once). */
    static PageRules pageRules(JobSpec spec) {
        ExtractSpec e = spec.extract();
        CrawlSpec c = spec.crawl() == null ? CrawlSpec.defaults() : spec.crawl();
        Map<String, FieldRule> fields = new LinkedHashMap<>();
        if (e != null && e.fields() != null) {
            for (Map.Entry<String, FieldSpec> f : e.fields().entrySet()) {
                fields.put(f.getKey(), new FieldRule(f.getValue().selector(), f.getValue().attr()));
            }
        }
        return new PageRules(
                e != null,
                e == null || e.on() == null ? null : Pattern.compile(e.on()),
                e == null ? null : e.item(),
                fields,
                c.follow() == null ? List.of() : List.copyOf(c.follow()),
                c.include() == null ? List.of() : c.include().stream().map(Pattern::compile).toList(),
                c.exclude() == null ? List.of() : c.exclude().stream().map(Pattern::compile).toList(),
                c.sameHost(),
                c.maxDepth());
    }
}
