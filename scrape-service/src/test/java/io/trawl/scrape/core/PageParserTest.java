package io.trawl.scrape.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.common.json.WireJson;
import io.trawl.common.spec.JobSpec;
import io.trawl.common.spec.JobSpecParser;
import io.trawl.common.spec.LimitsSpec;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.scrape.core.extract.ExtractionCaps;
import io.trawl.scrape.core.extract.PageParser;
import io.trawl.scrape.core.extract.PageRules;
import io.trawl.scrape.core.extract.ParsedPage;
import io.trawl.scrape.service.JobRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Extraction and link discovery on saved HTML (no network, no Quarkus). */
class PageParserTest {

    private static final String PAGE = "https://directory.example/search?q=plumber";
    private static final String HOST = "directory.example";

    private static PageRules rules(String specJson) {
        JobSpec spec = JobSpecParser.parse(WireJson.tree(specJson));
        return JobRules.of(spec).page();
    }

    private static ExtractionCaps caps(String specJson) {
        return ExtractionCaps.of(JobSpecParser.parse(WireJson.tree(specJson)).limits());
    }

    private static String page(String name) throws IOException {
        try (InputStream in = PageParserTest.class.getResourceAsStream("/pages/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static final PageRules LISTING = rules("""
            {"name": "t", "seeds": ["https://directory.example/"],
             "crawl": {"follow": ["a.listing", "a.next"], "exclude": ["skip-me"], "maxDepth": 3},
             "extract": {"item": "article.biz", "fields": {"name": "h2", "phone": ".phone",
                 "site": {"selector": "a.site", "attr": "href"}, "logo": {"selector": "img", "attr": "src"}}}}""");

    @Test
    void extractsItemsInDocumentOrderWithAbsoluteUrlsAndNullsForMissingFields() throws IOException {
        ParsedPage parsed = PageParser.parse(page("listing.html"), PAGE, HOST, 0, LISTING);
        assertThat(parsed.items()).hasSize(3);
        assertThat(parsed.items().get(0)).containsExactly(
                Map.entry("name", "Ace Plumbing"), Map.entry("phone", "512-555-0100"),
                Map.entry("site", "https://directory.example/biz/ace"),
                Map.entry("logo", "https://directory.example/img/ace.png"));
        assertThat(parsed.items().get(1)).containsEntry("name", "Best Pipes & Co").containsEntry("phone", null)
                .containsEntry("site", "https://best-pipes.example/");
        assertThat(parsed.items().get(2)).containsEntry("name", "Cheap Drains").containsEntry("site", null);
        assertThat(WireJson.encodeString(parsed.items().get(2)))
                .isEqualTo("{\"name\":\"Cheap Drains\",\"phone\":\"512-555-0199\",\"site\":null,\"logo\":null}");
    }

    @Test
    void discoversNormalizedDeduplicatedSameHostLinks() throws IOException {
        ParsedPage parsed = PageParser.parse(page("listing.html"), PAGE, HOST, 0, LISTING);
        assertThat(parsed.links()).extracting(CanonicalUrl::url).containsExactly(
                "https://directory.example/biz/ace", // fragment dropped; the duplicate without it is the same URL
                "https://directory.example/biz/best?ref=list", // ../ resolved against the page
                "http://directory.example/biz/cheap", // scheme and host lower-cased, default port dropped
                "https://directory.example/search?page=2",
                "https://directory.example/search?q=plumber"); // a link back to itself: the job's dedup stops the cycle
    }

    @Test
    void sameHostOffKeepsOtherHostsAndIncludeRestricts() throws IOException {
        PageRules open = rules("""
                {"name": "t", "seeds": ["https://directory.example/"],
                 "crawl": {"follow": ["a.listing"], "sameHost": false, "include": ["^https://"]}}""");
        ParsedPage parsed = PageParser.parse(page("listing.html"), PAGE, HOST, 0, open);
        assertThat(parsed.links()).extracting(CanonicalUrl::url)
                .contains("https://elsewhere.example/biz/x")
                .doesNotContain("http://directory.example/biz/cheap") // not https: include fails
                .allMatch(u -> u.startsWith("https://"));
        assertThat(parsed.items()).isEmpty(); // no extract block
    }

    @Test
    void noLinksAtMaxDepth() throws IOException {
        ParsedPage parsed = PageParser.parse(page("listing.html"), PAGE, HOST, 3, LISTING);
        assertThat(parsed.links()).isEmpty();
        assertThat(parsed.items()).hasSize(3);
    }

    @Test
    void extractOnLimitsWhichPagesYieldItems() throws IOException {
        PageRules onBiz = rules("""
                {"name": "t", "seeds": ["https://directory.example/"],
                 "extract": {"on": "/biz/", "item": "article.biz", "fields": {"name": "h2"}}}""");
        assertThat(PageParser.parse(page("listing.html"), PAGE, HOST, 0, onBiz).items()).isEmpty();
        assertThat(PageParser.parse(page("listing.html"), "https://directory.example/biz/1", HOST, 0, onBiz).items())
                .hasSize(3);
    }

    @Test
    void baseHrefIsHonouredForLinksAndAttributes() throws IOException {
        PageRules base = rules("""
                {"name": "t", "seeds": ["https://directory.example/"],
                 "crawl": {"follow": ["a.next"], "sameHost": false},
                 "extract": {"item": ".item", "fields": {"name": ".name", "link": {"selector": "a.link", "attr": "href"}}}}""");
        ParsedPage parsed = PageParser.parse(page("base-href.html"), "https://directory.example/x/y.html", HOST, 0, base);
        assertThat(parsed.links()).extracting(CanonicalUrl::url).containsExactly(
                "https://cdn.directory.example/mirror/page2.html", "https://cdn.directory.example/root.html");
        assertThat(parsed.items()).containsExactly(
                Map.of("name", "Widget", "link", "https://cdn.directory.example/mirror/widget.html"));
    }

    @Test
    void malformedHtmlStillYieldsWhatABrowserWouldSee() throws IOException {
        PageRules rules = rules("""
                {"name": "t", "seeds": ["https://directory.example/"], "crawl": {"follow": ["a.next"]},
                 "extract": {"item": ".item", "fields": {"name": ".name"}}}""");
        ParsedPage parsed = PageParser.parse(page("malformed.html"), "https://directory.example/m", HOST, 0, rules);
        // The unclosed span swallows what follows it, as in a browser; the nested item is still an item.
        assertThat(parsed.items()).extracting(i -> i.get("name")).containsExactly("Gadget Gizmo stray", "Gizmo");
        assertThat(parsed.links()).extracting(CanonicalUrl::url).containsExactly(
                "https://directory.example/a", "https://directory.example/b", "https://directory.example/c");
    }

    @Test
    void withoutAnItemSelectorThePageIsOneItemOnlyWhenSomethingMatched() throws IOException {
        PageRules whole = rules("""
                {"name": "t", "seeds": ["https://directory.example/"],
                 "extract": {"fields": {"title": "title", "heading": "h1"}}}""");
        assertThat(PageParser.parse(page("listing.html"), PAGE, HOST, 0, whole).items())
                .containsExactly(Map.of("title", "Plumbers in Austin", "heading", "Plumbers"));
        PageRules nothing = rules("""
                {"name": "t", "seeds": ["https://directory.example/"], "extract": {"fields": {"x": "article.none"}}}""");
        assertThat(PageParser.parse(page("listing.html"), PAGE, HOST, 0, nothing).items()).isEmpty();
    }

    @Test
    void bytesAreDecodedWithTheDeclaredOrDetectedCharset() {
        byte[] latin1 = "<html><head><meta charset=\"iso-8859-1\"></head><body><h1>Caf\u00e9</h1></body></html>"
                .getBytes(StandardCharsets.ISO_8859_1);
        PageRules whole = rules("""
                {"name": "t", "seeds": ["https://directory.example/"], "extract": {"fields": {"h": "h1"}}}""");
        assertThat(PageParser.parse(latin1, null, PAGE, HOST, 0, whole).items()).containsExactly(Map.of("h", "Caf\u00e9"));
        assertThat(PageParser.parse(latin1, "ISO-8859-1", PAGE, HOST, 0, whole).items())
                .containsExactly(Map.of("h", "Caf\u00e9"));
    }

    /** Hardening item 7: a 2,000-deep nested page with {@code item: "*"} yields a bounded output, quickly. */
    @Test
    void aDeeplyNestedPageWithEveryElementAsAnItemIsCapped() {
        StringBuilder html = new StringBuilder("<html><body>");
        for (int i = 0; i < 2000; i++) {
            html.append("<div class=\"d\">level ").append(i).append(" \u00e9\u00e9\u00e9 <a href=\"/p").append(i).append("\">l</a>");
        }
        html.append("</div>".repeat(2000)).append("</body></html>");
        PageRules rules = rules("""
                {"name": "t", "seeds": ["https://directory.example/"], "crawl": {"follow": ["a"]},
                 "extract": {"item": "*", "fields": {"text": "*", "all": "div", "href": {"selector": "a", "attr": "href"}}}}""");
        long started = System.nanoTime();
        ParsedPage parsed = PageParser.parse(html.toString(), PAGE, HOST, 0, rules);
        double seconds = (System.nanoTime() - started) / 1e9;

        LimitsSpec d = LimitsSpec.defaults();
        assertThat(parsed.items()).isNotEmpty().hasSizeLessThanOrEqualTo(d.maxItemsPerPage());
        long total = 0;
        for (Map<String, String> item : parsed.items()) {
            for (Map.Entry<String, String> field : item.entrySet()) {
                int bytes = field.getValue() == null ? 0 : field.getValue().getBytes(StandardCharsets.UTF_8).length;
                assertThat(bytes).as("bytes of field %s", field.getKey()).isLessThanOrEqualTo(d.maxFieldBytes());
                total += bytes;
            }
        }
        assertThat(total).as("extracted bytes of the page").isLessThanOrEqualTo(d.maxExtractedBytes());
        assertThat(parsed.links()).hasSizeLessThanOrEqualTo(d.maxLinksPerPage());
        // a sanity bound only (this machine is shared): the caps above are what keep the work small
        assertThat(seconds).as("parse and extract, s").isLessThan(60);
    }

    @Test
    void itemsFieldsLinksAndTotalBytesStopAtTheSpecsCaps() {
        StringBuilder html = new StringBuilder("<html><body>");
        for (int i = 0; i < 50; i++) {
            html.append("<article><h2>Caf\u00e9 caf\u00e9 caf\u00e9 caf\u00e9 number ").append(i)
                    .append("</h2><a href=\"/biz/").append(i).append("\">x</a></article>");
        }
        html.append("</body></html>");
        String capped = """
                {"name": "t", "seeds": ["https://directory.example/"], "crawl": {"follow": ["a"]},
                 "extract": {"item": "article", "fields": {"name": "h2"}},
                 "limits": {"maxItemsPerPage": 5, "maxFieldBytes": 16, "maxLinksPerPage": 3}}""";
        ParsedPage parsed = PageParser.parse(html.toString(), PAGE, HOST, 0, rules(capped), caps(capped));
        assertThat(parsed.items()).hasSize(5);
        // 16 bytes: "Café café caf" is 15, the next "é" would make 17 — cut before it, never inside a character
        assertThat(parsed.items().get(0).get("name")).isEqualTo("Caf\u00e9 caf\u00e9 caf");
        assertThat(parsed.links()).extracting(CanonicalUrl::url).containsExactly(
                "https://directory.example/biz/0", "https://directory.example/biz/1", "https://directory.example/biz/2");

        String small = """
                {"name": "t", "seeds": ["https://directory.example/"],
                 "extract": {"item": "article", "fields": {"name": "h2"}}, "limits": {"maxExtractedBytes": 1024}}""";
        List<Map<String, String>> items = PageParser.parse(html.toString(), PAGE, HOST, 0, rules(small), caps(small))
                .items();
        long bytes = items.stream().mapToLong(i -> i.get("name").getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(bytes).isLessThanOrEqualTo(1024);
        assertThat(items).hasSizeBetween(20, 49); // about 36 bytes each: cut where the total would pass 1,024
    }
}
