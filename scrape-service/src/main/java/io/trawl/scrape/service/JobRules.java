package io.trawl.scrape.service;

import io.trawl.common.spec.CrawlSpec;
import io.trawl.common.spec.ExtractSpec;
import io.trawl.common.spec.FieldSpec;
import io.trawl.common.spec.JobSpec;
import io.trawl.scrape.core.extract.FieldRule;
import io.trawl.scrape.core.extract.PageRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A job's spec and its compiled page rules (cached per job: a spec never changes). */
public record JobRules(JobSpec spec, PageRules page) {

    public static JobRules of(JobSpec spec) {
        return new JobRules(spec, pageRules(spec));
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
