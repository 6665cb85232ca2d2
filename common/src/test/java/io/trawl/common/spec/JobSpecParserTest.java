package io.trawl.common.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.common.json.WireJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecParserTest {

    private static JobSpec parse(String json) {
        return JobSpecParser.parse(WireJson.tree(json));
    }

    private static List<FieldError> errors(String json) {
        try {
            parse(json);
        } catch (InvalidSpecException e) {
            return e.errors();
        }
        throw new AssertionError("expected the spec to be invalid: " + json);
    }

    @Test
    void designExampleIsValidAndKeepsEveryValue() {
        JobSpec spec = parse("""
                { "name": "plumbers",
                  "seeds": ["https://directory.example/search?q=plumber&city=austin"],
                  "seedTemplate": {"url": "https://directory.example/search?q={q}&city={city}",
                                   "params": {"q": ["plumber"], "city": ["austin", "dallas"]}},
                  "crawl":   {"follow": ["a.next", "a.listing"], "maxDepth": 3, "maxPages": 5000,
                              "include": ["^https://directory\\\\.example/"], "exclude": [], "sameHost": true},
                  "extract": {"on": "^https://directory\\\\.example/biz/", "item": "article.biz",
                              "fields": {"name": "h1", "phone": ".phone",
                                         "site": {"selector": "a.site", "attr": "href"}}},
                  "limits":  {"perHostConcurrency": 4, "perHostDelayMs": 250, "timeoutMs": 15000,
                              "maxBytes": 5000000, "maxAttempts": 4},
                  "respectRobots": true, "priority": 0 }
                """);
        assertThat(spec.name()).isEqualTo("plumbers");
        assertThat(spec.crawl().maxPages()).isEqualTo(5000);
        assertThat(spec.extract().fields()).containsKeys("name", "phone", "site");
        assertThat(spec.extract().fields().get("site")).isEqualTo(new FieldSpec("a.site", "href"));
        assertThat(spec.extract().fields().get("name")).isEqualTo(new FieldSpec("h1", null));
        // the seed and the template's first expansion are the same URL: expanded once
        assertThat(SeedExpander.expand(spec)).extracting(u -> u.url()).containsExactly(
                "https://directory.example/search?q=plumber&city=austin",
                "https://directory.example/search?q=plumber&city=dallas");
    }

    @Test
    void minimalSpecGetsDefaults() {
        JobSpec spec = parse("{\"name\":\"x\",\"seeds\":[\"http://a.example\"]}");
        assertThat(spec.seeds()).containsExactly("http://a.example/");
        assertThat(spec.crawl()).isEqualTo(CrawlSpec.defaults());
        assertThat(spec.limits()).isEqualTo(LimitsSpec.defaults());
        assertThat(spec.respectRobots()).isTrue();
        assertThat(spec.extract()).isNull();
    }

    @Test
    void reportsEveryBadFieldWithItsPath() {
        List<FieldError> errors = errors("""
                {"name": "", "seeds": ["ftp://x.example/", 7, "http://ok.example/"], "bogus": 1,
                 "crawl": {"follow": ["a[", "a"], "include": ["(unclosed"], "maxDepth": -1, "maxPages": 1.5,
                           "sameHost": "yes", "deep": true},
                 "extract": {"fields": {"ok": "h1", "bad": {"selector": "p", "attr": "a b"},
                             "worse": {"selector": "::"}, "n": 3}, "extra": 1},
                 "limits": {"perHostConcurrency": 0, "timeoutMs": "5s"},
                 "respectRobots": "no", "priority": 99}
                """);
        assertThat(errors).extracting(FieldError::field).contains(
                "name", "seeds[0]", "seeds[1]", "bogus",
                "crawl.follow[0]", "crawl.include[0]", "crawl.maxDepth", "crawl.maxPages", "crawl.sameHost",
                "crawl.deep", "extract.fields.bad.attr", "extract.fields.worse.selector", "extract.fields.n",
                "extract.extra", "limits.perHostConcurrency", "limits.timeoutMs", "respectRobots", "priority");
        assertThat(errors).filteredOn(e -> e.field().equals("bogus")).extracting(FieldError::message)
                .containsExactly("unknown field");
    }

    @Test
    void patternsTheLinearTimeEngineCannotRunAreRejectedWithTheReason() {
        List<FieldError> errors = errors("""
                {"name": "n", "seeds": ["https://a.example/"],
                 "crawl": {"include": ["(a)\\\\1", "^/ok/"], "exclude": ["foo(?=bar)", "x{1001}"]},
                 "extract": {"on": "(?<=/p/)\\\\d+", "fields": {"t": "h1"}}}
                """);
        assertThat(errors).extracting(FieldError::field)
                .containsExactlyInAnyOrder("crawl.include[0]", "crawl.exclude[0]", "crawl.exclude[1]", "extract.on");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).contains("linear-time engine"));
        // catastrophic for a backtracking engine, linear for RE2: accepted
        JobSpec ok = parse("""
                {"name": "n", "seeds": ["https://a.example/"], "crawl": {"include": ["(.*a){12}$"]}}
                """);
        assertThat(ok.crawl().include()).containsExactly("(.*a){12}$");
    }

    @Test
    void regexSelectorsAreRejected() {
        List<FieldError> errors = errors("""
                {"name": "n", "seeds": ["https://a.example/"],
                 "crawl": {"follow": ["a:matches((a+)+$)", "a[href~=x]"]},
                 "extract": {"item": "div:matchesOwn(x)", "fields": {"t": "h1:matchesWholeText(y)",
                             "u": {"selector": "p:matchesWholeOwnText(z)", "attr": "id"}, "ok": "p:contains(a)"}}}
                """);
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("crawl.follow[0]",
                "crawl.follow[1]", "extract.item", "extract.fields.t", "extract.fields.u.selector");
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).contains("regular-expression selector"));
    }

    @Test
    void aTemplateWhoseExpansionsWouldBeTooLongIsRejectedUpFrontNamingTheParameter() {
        String url = "https://a.example/" + "{q}".repeat(300) + "?p={p}";
        String longValue = "\u00e9".repeat(400); // 2,400 characters once encoded
        List<FieldError> errors = errors("""
                {"name": "n", "seeds": [], "seedTemplate": {"url": "%s",
                 "params": {"q": ["a", "%s"], "p": ["1", "2"]}}, "crawl": {"maxPages": 1000}}
                """.formatted(url, longValue));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("seedTemplate.params.q");
            assertThat(e.message()).contains("more than 2048");
        });
        // the same template with short values is fine, and every expansion is kept
        JobSpec ok = parse("""
                {"name": "n", "seeds": [], "seedTemplate": {"url": "https://a.example/{q}/{q}?p={p}",
                 "params": {"q": ["a", "b"], "p": ["1", "2"]}}}
                """);
        assertThat(SeedExpander.expand(ok)).hasSize(4);
    }

    @Test
    void requiresSomeSeed() {
        assertThat(errors("{\"name\":\"x\"}")).extracting(FieldError::field).containsExactly("seeds");
        assertThat(errors("{\"name\":\"x\",\"seeds\":[]}")).extracting(FieldError::field).containsExactly("seeds");
    }

    @Test
    void rejectsNonObjects() {
        assertThat(errors("[1,2]")).extracting(FieldError::field).containsExactly("$");
        assertThat(errors("\"text\"")).extracting(FieldError::field).containsExactly("$");
    }

    @Test
    void templatePlaceholdersMustMatchParams() {
        List<FieldError> errors = errors("""
                {"name":"x","seedTemplate":{"url":"https://a.example/?q={q}&c={city}","params":{"q":["a"],"z":["b"]}}}
                """);
        assertThat(errors).extracting(FieldError::field)
                .containsExactlyInAnyOrder("seedTemplate.url", "seedTemplate.params.z");
    }

    @Test
    void templateExpandsTheCartesianProductWithEncodedValues() {
        JobSpec spec = parse("""
                {"name":"x","seedTemplate":{"url":"https://a.example/s?q={q}&c={c}",
                 "params":{"q":["plumber","gas fitter"],"c":["austin","dallas","el paso"]}}}
                """);
        assertThat(SeedExpander.expand(spec)).hasSize(6).extracting(u -> u.url())
                .contains("https://a.example/s?q=gas%20fitter&c=el%20paso");
    }

    @Test
    void seedsMayNotExceedMaxPages() {
        assertThat(errors("{\"name\":\"x\",\"seeds\":[\"http://a.example/1\",\"http://a.example/2\"],"
                + "\"crawl\":{\"maxPages\":1}}")).extracting(FieldError::field).containsExactly("seeds");
    }

    @Test
    void storedSpecRoundTrips() {
        JobSpec spec = parse("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],"
                + "\"extract\":{\"fields\":{\"t\":\"title\",\"l\":{\"selector\":\"a\",\"attr\":\"href\"}}}}");
        assertThat(JobSpecParser.parseStored(WireJson.encodeString(spec))).isEqualTo(spec);
    }

    @Test
    void invalidSpecExceptionCarriesErrors() {
        assertThatThrownBy(() -> parse("{}")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("name");
    }

    @Test
    void outputCapsHaveDefaultsAndMaxima() {
        LimitsSpec d = parse("{\"name\":\"x\",\"seeds\":[\"http://a.example\"]}").limits();
        assertThat(d.maxItemsPerPage()).isEqualTo(1000);
        assertThat(d.maxFieldBytes()).isEqualTo(65536);
        assertThat(d.maxLinksPerPage()).isEqualTo(1000);
        assertThat(d.maxExtractedBytes()).isEqualTo(2_000_000L);
        LimitsSpec set = parse("""
                {"name":"x","seeds":["http://a.example"],"limits":{"maxItemsPerPage":10,"maxFieldBytes":100,
                 "maxLinksPerPage":0,"maxExtractedBytes":4096}}""").limits();
        assertThat(set).extracting(LimitsSpec::maxItemsPerPage, LimitsSpec::maxFieldBytes, LimitsSpec::maxLinksPerPage,
                LimitsSpec::maxExtractedBytes).containsExactly(10, 100, 0, 4096L);
        assertThat(errors("""
                {"name":"x","seeds":["http://a.example"],"limits":{"maxItemsPerPage":10001,"maxFieldBytes":2000000,
                 "maxLinksPerPage":-1,"maxExtractedBytes":100000000}}""")).extracting(FieldError::field)
                .containsExactlyInAnyOrder("limits.maxItemsPerPage", "limits.maxFieldBytes", "limits.maxLinksPerPage",
                        "limits.maxExtractedBytes");
    }
}
