package io.trawl.common.spec;

import io.trawl.common.url.CanonicalUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Expands a job's seeds and seed template into the canonical, de-duplicated list of its first tasks. */
public final class SeedExpander {

    private SeedExpander() {
    }

    /** Every seed URL of the spec in canonical form, seeds first, then the template in parameter order. */
    public static List<CanonicalUrl> expand(JobSpec spec) {
        Set<String> seen = new LinkedHashSet<>();
        List<CanonicalUrl> urls = new ArrayList<>();
        List<String> raw = new ArrayList<>(spec.seeds());
        if (spec.seedTemplate() != null) {
            raw.addAll(expandTemplate(spec.seedTemplate()));
        }
        for (String r : raw) {
            CanonicalUrl.of(r).filter(u -> seen.add(u.url())).ifPresent(urls::add);
        }
        return urls;
    }

    static long count(SeedTemplate template) {
        long n = 1;
        for (List<String> values : template.params().values()) {
            n *= values.size();
            if (n > Integer.MAX_VALUE) {
                return n;
            }
        }
        return n;
    }

    static String expandFirst(SeedTemplate template) {
        String url = template.url();
        for (Map.Entry<String, List<String>> e : template.params().entrySet()) {
            url = url.replace("{" + e.getKey() + "}", encode(e.getValue().get(0)));
        }
        return url;
    }

    static List<String> expandTemplate(SeedTemplate template) {
        List<String> urls = new ArrayList<>();
        urls.add(template.url());
        for (Map.Entry<String, List<String>> e : template.params().entrySet()) {
            List<String> next = new ArrayList<>(urls.size() * e.getValue().size());
            String placeholder = "{" + e.getKey() + "}";
            for (String partial : urls) {
                for (String value : e.getValue()) {
                    next.add(partial.replace(placeholder, encode(value)));
                }
            }
            urls = next;
        }
        return urls;
    }

    /** How many times {@code placeholder} occurs in {@code url} (non-overlapping, as {@code replace} does). */
    static int occurrences(String url, String placeholder) {
        int n = 0;
        for (int i = url.indexOf(placeholder); i >= 0; i = url.indexOf(placeholder, i + placeholder.length())) {
            n++;
        }
        return n;
    }

    /** The length of {@code value} once encoded into a URL as the expansion encodes it. */
    static int encodedLength(String value) {
        return encode(value).length();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
