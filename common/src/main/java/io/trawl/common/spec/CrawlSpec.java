package io.trawl.common.spec;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * Which links to follow: CSS selectors of the anchors, a depth bound (seeds are depth 0), a bound on the
 * number of pages of the job, include/exclude regexes on the absolute URL, and whether to stay on the
 * seed's host.
 */
@RegisterForReflection
public record CrawlSpec(
        List<String> follow,
        int maxDepth,
        int maxPages,
        List<String> include,
        List<String> exclude,
        boolean sameHost) {

    public static CrawlSpec defaults() {
        return new CrawlSpec(List.of(), JobSpecParser.DEFAULT_MAX_DEPTH, JobSpecParser.DEFAULT_MAX_PAGES,
                List.of(), List.of(), true);
    }
}
