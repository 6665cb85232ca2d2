package io.trawl.scrape.core.extract;

import io.trawl.common.url.CanonicalUrl;
import java.util.Optional;
import com.google.re2j.Pattern;

/**
 * Decides whether a discovered link becomes a task (pure): it must canonicalize to an http(s) URL, stay on
 * the page's host when {@code sameHost}, match an include pattern (if there are any) and no exclude pattern.
 * Patterns are searched ({@code find}) in the canonical URL, so anchor them with {@code ^} as needed.
 */
public final class LinkFilter {

    private final PageRules rules;
    private final String pageHostKey;

    /** @param pageHostKey the {@link CanonicalUrl#hostKey()} of the task's URL (for {@code sameHost}) */
    public LinkFilter(PageRules rules, String pageHostKey) {
        this.rules = rules;
        this.pageHostKey = pageHostKey;
    }

    public Optional<CanonicalUrl> accept(String absoluteUrl) {
        Optional<CanonicalUrl> canonical = CanonicalUrl.of(absoluteUrl);
        if (canonical.isEmpty()) {
            return Optional.empty();
        }
        CanonicalUrl url = canonical.get();
        if (rules.sameHost() && !url.hostKey().equals(pageHostKey)) {
            return Optional.empty();
        }
        if (!rules.include().isEmpty() && rules.include().stream().noneMatch(p -> p.matcher(url.url()).find())) {
            return Optional.empty();
        }
        for (Pattern p : rules.exclude()) {
            if (p.matcher(url.url()).find()) {
                return Optional.empty();
            }
        }
        return canonical;
    }
}
