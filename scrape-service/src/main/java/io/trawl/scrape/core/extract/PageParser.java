package io.trawl.scrape.core.extract;

import io.trawl.common.url.CanonicalUrl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Parses an HTML page with jsoup and applies a job's {@link PageRules}: items and links. Pure and blocking
 * (CPU): the worker runs it off the event loop.
 * <ul>
 * <li>Relative URLs resolve against the page URL, or its {@code <base href>}.</li>
 * <li>A field is the normalized text of the first match of its selector inside the item, or, with
 * {@code attr}, that attribute ({@code href}/{@code src} and other URL attributes made absolute). No match:
 * null.</li>
 * <li>With an item selector, every match is an item, in document order. Without one the page is one item,
 * emitted only when at least one field matched.</li>
 * <li>Links: every element matching a {@code crawl.follow} selector, its {@code href} (or {@code src}) made
 * absolute, filtered by {@link LinkFilter}; none once the page is at {@code maxDepth}.</li>
 * <li>Output is bounded by {@link ExtractionCaps} (the job's {@code limits}): items, bytes per value, links
 * and extracted bytes per page; past a cap the rest is dropped (values are cut at a character boundary).</li>
 * </ul>
 */
public final class PageParser {

    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "poster", "data-src", "cite");

    private PageParser() {
    }

    /**
     * @param body      the decoded body
     * @param charset   the charset of the Content-Type, or null to detect it (BOM, meta, else UTF-8)
     * @param pageUrl   the URL the body came from (after redirects)
     * @param hostKey   the politeness host key of the task's URL ({@code sameHost})
     * @param depth     the task's depth (seeds are 0)
     */
    public static ParsedPage parse(byte[] body, String charset, String pageUrl, String hostKey, int depth,
            PageRules rules) {
        return parse(body, charset, pageUrl, hostKey, depth, rules, ExtractionCaps.DEFAULTS);
    }

    /** As above, within the job's {@code caps}. */
    public static ParsedPage parse(byte[] body, String charset, String pageUrl, String hostKey, int depth,
            PageRules rules, ExtractionCaps caps) {
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(body), supported(charset), pageUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(doc, pageUrl, hostKey, depth, rules, caps);
    }

    /** Parses HTML text (tests and callers that already decoded the body). */
    public static ParsedPage parse(String html, String pageUrl, String hostKey, int depth, PageRules rules) {
        return parse(html, pageUrl, hostKey, depth, rules, ExtractionCaps.DEFAULTS);
    }

    /** Parses HTML text within {@code caps}. */
    public static ParsedPage parse(String html, String pageUrl, String hostKey, int depth, PageRules rules,
            ExtractionCaps caps) {
        return parse(Jsoup.parse(html, pageUrl), pageUrl, hostKey, depth, rules, caps);
    }

    private static ParsedPage parse(Document doc, String pageUrl, String hostKey, int depth, PageRules rules,
            ExtractionCaps caps) {
        List<Map<String, String>> items = rules.extractsFrom(pageUrl) ? items(doc, rules, caps) : List.of();
        List<CanonicalUrl> links = depth < rules.maxDepth() ? links(doc, new LinkFilter(rules, hostKey), rules,
                caps.maxLinks()) : List.of();
        return new ParsedPage(items, links);
    }

    static List<Map<String, String>> items(Document doc, PageRules rules, ExtractionCaps caps) {
        List<Map<String, String>> items = new ArrayList<>();
        if (rules.item() == null) {
            Map<String, String> item = item(doc, rules, caps);
            if (item.values().stream().anyMatch(v -> v != null) && bytes(item) <= caps.maxTotalBytes()) {
                items.add(item);
            }
            return items;
        }
        long total = 0;
        for (Element element : doc.select(rules.item())) {
            if (items.size() >= caps.maxItems()) {
                break;
            }
            Map<String, String> item = item(element, rules, caps);
            total += bytes(item);
            if (total > caps.maxTotalBytes()) {
                break;
            }
            items.add(item);
        }
        return items;
    }

    /** UTF-8 bytes of an item's values. */
    private static long bytes(Map<String, String> item) {
        long n = 0;
        for (String v : item.values()) {
            n += v == null ? 0 : v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static Map<String, String> item(Element scope, PageRules rules, ExtractionCaps caps) {
        Map<String, String> item = new LinkedHashMap<>();
        for (Map.Entry<String, FieldRule> field : rules.fields().entrySet()) {
            Element match = scope.selectFirst(field.getValue().selector());
            item.put(field.getKey(), match == null ? null : value(match, field.getValue().attr(), caps.maxFieldBytes()));
        }
        return item;
    }

    /** The field's value, at most {@code maxBytes} UTF-8 bytes (the text is collected only that far). */
    private static String value(Element element, String attr, int maxBytes) {
        if (attr == null) {
            return BoundedText.truncate(clean(BoundedText.of(element, maxBytes)), maxBytes);
        }
        if (!element.hasAttr(attr)) {
            return null;
        }
        if (URL_ATTRIBUTES.contains(attr.toLowerCase(java.util.Locale.ROOT))) {
            String absolute = element.absUrl(attr);
            return BoundedText.truncate(clean(absolute.isEmpty() ? element.attr(attr) : absolute), maxBytes);
        }
        return BoundedText.truncate(clean(element.attr(attr)), maxBytes);
    }

    static List<CanonicalUrl> links(Document doc, LinkFilter filter, PageRules rules, int maxLinks) {
        Set<String> seen = new LinkedHashSet<>();
        List<CanonicalUrl> links = new ArrayList<>();
        if (rules.follow().isEmpty()) {
            return links;
        }
        // One combined selector keeps document order across the follow selectors.
        for (Element element : doc.select(String.join(", ", rules.follow()))) {
            if (links.size() >= maxLinks) {
                break;
            }
            String href = element.hasAttr("href") ? element.absUrl("href") : element.absUrl("src");
            if (href.isEmpty()) {
                continue;
            }
            filter.accept(href).filter(u -> seen.add(u.url())).ifPresent(links::add);
        }
        return links;
    }

    /** Postgres jsonb cannot store U+0000; drop it (and keep the rest of the text as is). */
    private static String clean(String value) {
        return value.indexOf('\u0000') >= 0 ? value.replace("\u0000", "") : value;
    }

    private static String supported(String charset) {
        if (charset == null) {
            return null;
        }
        try {
            return Charset.isSupported(charset) ? charset : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
