package io.trawl.scrape.service;

import io.trawl.common.spec.JobSpec;
import io.trawl.scrape.core.extract.PageRules;

/** A job's spec and its compiled page rules (cached per job: a spec never changes). */
public record JobRules(JobSpec spec, PageRules page) {

    public static JobRules of(JobSpec spec) {
        return new JobRules(spec, PageRules.of(spec));
    }
}
