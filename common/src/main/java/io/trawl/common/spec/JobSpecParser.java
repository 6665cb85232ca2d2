package io.trawl.common.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.common.json.WireJson;
import io.trawl.common.url.CanonicalUrl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jsoup.select.QueryParser;

/**
 * Validates a submitted job spec (a JSON tree) and turns it into a {@link JobSpec} with defaults filled in.
 * Every problem is reported with its path; unknown fields are errors at every level. Pure: no I/O.
 */
public final class JobSpecParser {

    public static final int DEFAULT_MAX_DEPTH = 3;
    public static final int DEFAULT_MAX_PAGES = 10_000;
    public static final int MAX_PAGES_LIMIT = 1_000_000;
    public static final int MAX_DEPTH_LIMIT = 50;
    public static final int MAX_SEEDS = 100_000;
    public static final int MAX_LIST = 50;
    public static final int MAX_FIELDS = 100;
    public static final int MAX_PATTERN_LENGTH = 1000;

    private static final Set<String> ROOT_FIELDS = Set.of("name", "seeds", "seedTemplate", "crawl", "extract",
            "limits", "respectRobots", "priority", "render", "browser");
    private static final Set<String> TEMPLATE_FIELDS = Set.of("url", "params");
    private static final Set<String> CRAWL_FIELDS = Set.of("follow", "maxDepth", "maxPages", "include", "exclude",
            "sameHost");
    private static final Set<String> EXTRACT_FIELDS = Set.of("on", "item", "fields");
    private static final Set<String> FIELD_SPEC_FIELDS = Set.of("selector", "attr");
    private static final Set<String> LIMITS_FIELDS = Set.of("perHostConcurrency", "perHostDelayMs", "timeoutMs",
            "maxBytes", "maxAttempts", "maxItemsPerPage", "maxFieldBytes", "maxLinksPerPage", "maxExtractedBytes");
    private static final Set<String> BROWSER_FIELDS = Set.of("waitFor", "waitMs", "blockResources", "viewport");
    private static final Set<String> VIEWPORT_FIELDS = Set.of("width", "height");
    /** jsoup's regex-taking selector parts (case-insensitive, as jsoup reads them). */
    private static final Pattern REGEX_SELECTOR = Pattern.compile("(?i):matches|~=");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    private static final Pattern ATTR_NAME = Pattern.compile("[A-Za-z_:][-A-Za-z0-9_:.]{0,63}");

    private final List<FieldError> errors = new ArrayList<>();

    private JobSpecParser() {
    }

    /** Validates {@code root}; throws {@link InvalidSpecException} listing every bad field. */
    public static JobSpec parse(JsonNode root) {
        JobSpecParser parser = new JobSpecParser();
        JobSpec spec = parser.parseRoot(root);
        if (!parser.errors.isEmpty()) {
            throw new InvalidSpecException(parser.errors);
        }
        return spec;
    }

    /** Reads a spec as stored in jobs.spec (written by this parser, so it is valid). */
    public static JobSpec parseStored(String json) {
        return parse(WireJson.tree(json));
    }

    private JobSpec parseRoot(JsonNode root) {
        if (root == null || !root.isObject()) {
            error("", "the job spec must be a JSON object");
            return null;
        }
        unknownFields(root, "", ROOT_FIELDS);
        String name = requiredString(root, "name", "name", 200);
        List<String> seeds = seeds(root.get("seeds"));
        SeedTemplate template = seedTemplate(root.get("seedTemplate"));
        CrawlSpec crawl = crawl(root.get("crawl"));
        ExtractSpec extract = extract(root.get("extract"));
        LimitsSpec limits = limits(root.get("limits"));
        boolean respectRobots = bool(root.get("respectRobots"), "respectRobots", true);
        int priority = (int) integer(root.get("priority"), "priority", 0, JobSpec.MIN_PRIORITY, JobSpec.MAX_PRIORITY);
        RenderMode render = render(root.get("render"));
        BrowserSpec browser = browser(root.get("browser"), render);

        if (errors.isEmpty()) {
            if (seeds.isEmpty() && template == null) {
                error("seeds", "at least one seed or a seedTemplate is required");
            } else {
                long count = seeds.size() + (template == null ? 0 : SeedExpander.count(template));
                if (count > MAX_SEEDS) {
                    error("seeds", "seeds and seedTemplate expand to " + count + " URLs, more than " + MAX_SEEDS);
                } else if (count > crawl.maxPages()) {
                    error("seeds", "seeds and seedTemplate expand to " + count + " URLs, more than crawl.maxPages ("
                            + crawl.maxPages() + ")");
                }
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new JobSpec(name, seeds, template, crawl, extract, limits, respectRobots, priority, render, browser);
    }

    private List<String> seeds(JsonNode node) {
        List<String> seeds = new ArrayList<>();
        if (node == null || node.isNull()) {
            return seeds;
        }
        if (!node.isArray()) {
            error("seeds", "must be an array of URLs");
            return seeds;
        }
        if (node.size() > MAX_SEEDS) {
            error("seeds", "at most " + MAX_SEEDS + " seeds");
            return seeds;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode seed = node.get(i);
            String path = "seeds[" + i + "]";
            if (!seed.isTextual()) {
                error(path, "must be a string");
            } else {
                CanonicalUrl.of(seed.asText()).ifPresentOrElse(url -> seeds.add(url.url()),
                        () -> error(path, "must be an absolute http or https URL of at most " + CanonicalUrl.MAX_LENGTH
                                + " characters"));
            }
        }
        return seeds;
    }

    private SeedTemplate seedTemplate(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error("seedTemplate", "must be an object with url and params");
            return null;
        }
        unknownFields(node, "seedTemplate.", TEMPLATE_FIELDS);
        String url = requiredString(node, "url", "seedTemplate.url", CanonicalUrl.MAX_LENGTH);
        JsonNode paramsNode = node.get("params");
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (paramsNode == null || !paramsNode.isObject() || paramsNode.isEmpty()) {
            error("seedTemplate.params", "must be a non-empty object of value arrays");
        } else {
            paramsNode.fields().forEachRemaining(e -> {
                String path = "seedTemplate.params." + e.getKey();
                List<String> values = stringList(e.getValue(), path, 10_000, 500, ValidatedString::value);
                if (values != null && values.isEmpty()) {
                    error(path, "must have at least one value");
                }
                if (values != null) {
                    params.put(e.getKey(), values);
                }
            });
        }
        if (url == null || params.isEmpty()) {
            return null;
        }
        Set<String> placeholders = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(url);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        for (String p : placeholders) {
            if (!params.containsKey(p)) {
                error("seedTemplate.url", "placeholder {" + p + "} has no values in params");
            }
        }
        for (String p : params.keySet()) {
            if (!placeholders.contains(p)) {
                error("seedTemplate.params." + p, "is not used as {" + p + "} in seedTemplate.url");
            }
        }
        SeedTemplate template = new SeedTemplate(url, params);
        if (placeholders.containsAll(params.keySet()) && params.keySet().containsAll(placeholders)
                && !expansionsFit(template)) {
            return template;
        }
        if (placeholders.containsAll(params.keySet()) && params.keySet().containsAll(placeholders)) {
            String first = SeedExpander.expandFirst(template);
            if (CanonicalUrl.of(first).isEmpty()) {
                error("seedTemplate.url", "does not expand to an absolute http or https URL (first: " + first + ")");
            }
        }
        return template;
    }

    /**
     * Bounds every expansion's length before any is built: the longest expansion is the template with each
     * placeholder occurrence replaced by that parameter's longest encoded value. Over
     * {@link CanonicalUrl#MAX_LENGTH} is an error on the parameter that adds the most (an expansion that long
     * would otherwise be dropped silently, after building up to {@code count × length} characters).
     */
    private boolean expansionsFit(SeedTemplate template) {
        long longest = template.url().length();
        String worst = null;
        long worstAdds = Long.MIN_VALUE;
        long worstLength = 0;
        int worstUses = 0;
        for (Map.Entry<String, List<String>> e : template.params().entrySet()) {
            String placeholder = "{" + e.getKey() + "}";
            int uses = SeedExpander.occurrences(template.url(), placeholder);
            long valueLength = 0;
            for (String value : e.getValue()) {
                valueLength = Math.max(valueLength, SeedExpander.encodedLength(value));
            }
            long adds = uses * (valueLength - placeholder.length());
            longest += adds;
            if (adds > worstAdds) {
                worst = e.getKey();
                worstAdds = adds;
                worstLength = valueLength;
                worstUses = uses;
            }
        }
        if (longest <= CanonicalUrl.MAX_LENGTH) {
            return true;
        }
        error("seedTemplate.params." + worst, "its longest value (" + worstLength + " characters URL-encoded, used "
                + worstUses + " time(s) in seedTemplate.url) makes the longest expansion " + longest
                + " characters, more than " + CanonicalUrl.MAX_LENGTH);
        return false;
    }

    private CrawlSpec crawl(JsonNode node) {
        CrawlSpec d = CrawlSpec.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            error("crawl", "must be an object");
            return d;
        }
        unknownFields(node, "crawl.", CRAWL_FIELDS);
        List<String> follow = orEmpty(stringList(node.get("follow"), "crawl.follow", MAX_LIST, 500, this::selector));
        int maxDepth = (int) integer(node.get("maxDepth"), "crawl.maxDepth", d.maxDepth(), 0, MAX_DEPTH_LIMIT);
        int maxPages = (int) integer(node.get("maxPages"), "crawl.maxPages", d.maxPages(), 1, MAX_PAGES_LIMIT);
        List<String> include = orEmpty(stringList(node.get("include"), "crawl.include", MAX_LIST, MAX_PATTERN_LENGTH,
                this::regex));
        List<String> exclude = orEmpty(stringList(node.get("exclude"), "crawl.exclude", MAX_LIST, MAX_PATTERN_LENGTH,
                this::regex));
        boolean sameHost = bool(node.get("sameHost"), "crawl.sameHost", d.sameHost());
        return new CrawlSpec(follow, maxDepth, maxPages, include, exclude, sameHost);
    }

    private ExtractSpec extract(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error("extract", "must be an object");
            return null;
        }
        unknownFields(node, "extract.", EXTRACT_FIELDS);
        String on = optionalString(node, "on", "extract.on", MAX_PATTERN_LENGTH);
        if (on != null) {
            regexCheck(on, "extract.on");
        }
        String item = optionalString(node, "item", "extract.item", 500);
        if (item != null) {
            selectorCheck(item, "extract.item");
        }
        JsonNode fieldsNode = node.get("fields");
        Map<String, FieldSpec> fields = new LinkedHashMap<>();
        if (fieldsNode == null || !fieldsNode.isObject() || fieldsNode.isEmpty()) {
            error("extract.fields", "must be a non-empty object of field name to selector");
        } else if (fieldsNode.size() > MAX_FIELDS) {
            error("extract.fields", "at most " + MAX_FIELDS + " fields");
        } else {
            fieldsNode.fields().forEachRemaining(e -> {
                String path = "extract.fields." + e.getKey();
                if (!FIELD_NAME.matcher(e.getKey()).matches()) {
                    error(path, "field names are 1-64 letters, digits, '_', '-', '.', starting with a letter or '_'");
                }
                FieldSpec field = fieldSpec(e.getValue(), path);
                if (field != null) {
                    fields.put(e.getKey(), field);
                }
            });
        }
        return new ExtractSpec(on, item, fields);
    }

    private FieldSpec fieldSpec(JsonNode node, String path) {
        if (node.isTextual()) {
            return selectorCheck(node.asText(), path) ? new FieldSpec(node.asText(), null) : null;
        }
        if (!node.isObject()) {
            error(path, "must be a selector string or an object {selector, attr}");
            return null;
        }
        unknownFields(node, path + ".", FIELD_SPEC_FIELDS);
        String selector = requiredString(node, "selector", path + ".selector", 500);
        String attr = optionalString(node, "attr", path + ".attr", 64);
        if (attr != null && !ATTR_NAME.matcher(attr).matches()) {
            error(path + ".attr", "is not a valid attribute name");
            return null;
        }
        if (selector == null || !selectorCheck(selector, path + ".selector")) {
            return null;
        }
        return new FieldSpec(selector, attr);
    }

    private LimitsSpec limits(JsonNode node) {
        LimitsSpec d = LimitsSpec.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            error("limits", "must be an object");
            return d;
        }
        unknownFields(node, "limits.", LIMITS_FIELDS);
        return new LimitsSpec(
                (int) integer(node.get("perHostConcurrency"), "limits.perHostConcurrency", d.perHostConcurrency(), 1,
                        LimitsSpec.MAX_PER_HOST_CONCURRENCY),
                (int) integer(node.get("perHostDelayMs"), "limits.perHostDelayMs", d.perHostDelayMs(), 0, 600_000),
                (int) integer(node.get("timeoutMs"), "limits.timeoutMs", d.timeoutMs(), 100, 300_000),
                integer(node.get("maxBytes"), "limits.maxBytes", d.maxBytes(), 1024, 100_000_000),
                (int) integer(node.get("maxAttempts"), "limits.maxAttempts", d.maxAttempts(), 1, 20),
                (int) integer(node.get("maxItemsPerPage"), "limits.maxItemsPerPage", d.maxItemsPerPage(), 1,
                        LimitsSpec.MAX_ITEMS_PER_PAGE),
                (int) integer(node.get("maxFieldBytes"), "limits.maxFieldBytes", d.maxFieldBytes(), 16,
                        LimitsSpec.MAX_FIELD_BYTES),
                (int) integer(node.get("maxLinksPerPage"), "limits.maxLinksPerPage", d.maxLinksPerPage(), 0,
                        LimitsSpec.MAX_LINKS_PER_PAGE),
                integer(node.get("maxExtractedBytes"), "limits.maxExtractedBytes", d.maxExtractedBytes(), 1024,
                        LimitsSpec.MAX_EXTRACTED_BYTES));
    }

    private RenderMode render(JsonNode node) {
        if (node == null || node.isNull()) {
            return RenderMode.STATIC;
        }
        RenderMode mode = node.isTextual() ? RenderMode.fromWire(node.asText()) : null;
        if (mode == null) {
            error("render", "must be \"static\" or \"browser\"");
            return RenderMode.STATIC;
        }
        return mode;
    }

    /** The browser options of a browser job (defaults when absent); null for a static job. */
    private BrowserSpec browser(JsonNode node, RenderMode render) {
        boolean absent = node == null || node.isNull();
        if (render != RenderMode.BROWSER) {
            if (!absent) {
                error("browser", "is only allowed with \"render\": \"browser\"");
            }
            return null;
        }
        BrowserSpec d = BrowserSpec.defaults();
        if (absent) {
            return d;
        }
        if (!node.isObject()) {
            error("browser", "must be an object");
            return d;
        }
        unknownFields(node, "browser.", BROWSER_FIELDS);
        String waitFor = optionalString(node, "waitFor", "browser.waitFor", 500);
        if (waitFor != null && !selectorCheck(waitFor, "browser.waitFor")) {
            waitFor = null;
        }
        int waitMs = (int) integer(node.get("waitMs"), "browser.waitMs", d.waitMs(), 0, BrowserSpec.MAX_WAIT_MS);
        List<String> block = stringList(node.get("blockResources"), "browser.blockResources",
                BrowserSpec.RESOURCE_TYPES.size(), 20, v -> {
                    if (!BrowserSpec.RESOURCE_TYPES.contains(v.value())) {
                        error(v.path(), "must be one of " + String.join(", ", BrowserSpec.RESOURCE_TYPES));
                        return null;
                    }
                    return v.value();
                });
        return new BrowserSpec(waitFor, waitMs, block == null ? d.blockResources() : List.copyOf(
                new LinkedHashSet<>(block)), viewport(node.get("viewport"), d.viewport()));
    }

    private BrowserSpec.Viewport viewport(JsonNode node, BrowserSpec.Viewport d) {
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            error("browser.viewport", "must be an object {width, height}");
            return d;
        }
        unknownFields(node, "browser.viewport.", VIEWPORT_FIELDS);
        return new BrowserSpec.Viewport(
                (int) integer(node.get("width"), "browser.viewport.width", d.width(), BrowserSpec.Viewport.MIN,
                        BrowserSpec.Viewport.MAX),
                (int) integer(node.get("height"), "browser.viewport.height", d.height(), BrowserSpec.Viewport.MIN,
                        BrowserSpec.Viewport.MAX));
    }

    // --- small typed readers that record errors instead of throwing ---

    private void unknownFields(JsonNode node, String prefix, Set<String> known) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                error(prefix + f, "unknown field");
            }
        });
    }

    private String requiredString(JsonNode parent, String key, String path, int maxLength) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            error(path, "is required");
            return null;
        }
        return string(node, path, maxLength);
    }

    private String optionalString(JsonNode parent, String key, String path, int maxLength) {
        JsonNode node = parent.get(key);
        return node == null || node.isNull() ? null : string(node, path, maxLength);
    }

    private String string(JsonNode node, String path, int maxLength) {
        if (!node.isTextual()) {
            error(path, "must be a string");
            return null;
        }
        String value = node.asText();
        if (value.isBlank()) {
            error(path, "must not be blank");
            return null;
        }
        if (value.length() > maxLength) {
            error(path, "must be at most " + maxLength + " characters");
            return null;
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
            error(path, "must not contain control characters");
            return null;
        }
        return value;
    }

    private List<String> stringList(JsonNode node, String path, int maxItems, int maxLength,
            Function<ValidatedString, String> check) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            error(path, "must be an array of strings");
            return null;
        }
        if (node.size() > maxItems) {
            error(path, "at most " + maxItems + " entries");
            return null;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String itemPath = path + "[" + i + "]";
            String value = string(node.get(i), itemPath, maxLength);
            if (value != null) {
                String checked = check.apply(new ValidatedString(value, itemPath));
                if (checked != null) {
                    values.add(checked);
                }
            }
        }
        return values;
    }

    private String selector(ValidatedString v) {
        return selectorCheck(v.value(), v.path()) ? v.value() : null;
    }

    private String regex(ValidatedString v) {
        return regexCheck(v.value(), v.path()) ? v.value() : null;
    }

    private boolean selectorCheck(String selector, String path) {
        try {
            QueryParser.parse(selector);
        } catch (IllegalArgumentException | IllegalStateException e) {
            error(path, "is not a valid CSS selector: " + e.getMessage());
            return false;
        }
        if (REGEX_SELECTOR.matcher(selector).find()) {
            error(path, "uses a regular-expression selector (:matches, :matchesOwn, :matchesWholeText, "
                    + ":matchesWholeOwnText or [attr~=regex]); these run on a backtracking engine and are not "
                    + "allowed: use :contains/:containsOwn, attribute selectors, or extract.on / crawl.include");
            return false;
        }
        return true;
    }

    /**
     * Every user pattern must compile with RE2/J, the linear-time engine the workers match with: no
     * backreferences, lookahead or lookbehind, possessive or atomic groups, and repetition counts up to 1000.
     */
    private boolean regexCheck(String regex, String path) {
        try {
            com.google.re2j.Pattern.compile(regex);
            return true;
        } catch (com.google.re2j.PatternSyntaxException e) {
            error(path, "is not a regular expression the linear-time engine (RE2 syntax: no backreferences, "
                    + "lookaround or possessive/atomic groups; repetition counts up to 1000) can run: "
                    + e.getDescription());
            return false;
        }
    }

    private long integer(JsonNode node, String path, long dflt, long min, long max) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            error(path, "must be an integer");
            return dflt;
        }
        long value = node.asLong();
        if (value < min || value > max) {
            error(path, "must be between " + min + " and " + max);
            return dflt;
        }
        return value;
    }

    private boolean bool(JsonNode node, String path, boolean dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isBoolean()) {
            error(path, "must be true or false");
            return dflt;
        }
        return node.asBoolean();
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    private void error(String path, String message) {
        errors.add(new FieldError(path.isEmpty() ? "$" : path, message));
    }

    private record ValidatedString(String value, String path) {
    }
}
