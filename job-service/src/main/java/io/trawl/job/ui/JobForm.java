package io.trawl.job.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.FieldError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The new-job form's common fields, turned into a job spec (JSON) for {@code POST /api/v1/jobs}, and the map
 * from the API's error paths ({@code crawl.follow[1]}) back to the form field that shows them. Pure.
 * Lists are one entry per line; fields are {@code name = selector} or {@code name = selector @attr}.
 */
public record JobForm(String name, String seeds, String follow, String maxDepth, String maxPages, String include,
        String exclude, String extractOn, String extractItem, String fields, String perHostConcurrency,
        String perHostDelayMs, boolean respectRobots) {

    /** The form's fields in display order (what {@link #fieldOf} answers). */
    public static final List<String> FIELDS = List.of("name", "seeds", "follow", "maxDepth", "maxPages", "include",
            "exclude", "extractOn", "extractItem", "fields", "perHostConcurrency", "perHostDelayMs", "respectRobots");

    public static JobForm empty() {
        return new JobForm("", "", "", "", "", "", "", "", "", "", "", "", true);
    }

    /** The spec JSON this form describes (blank fields are left out, so the API's defaults apply). */
    public String toSpecJson() {
        ObjectNode root = WireJson.MAPPER.createObjectNode();
        root.put("name", name == null ? "" : name.strip());
        root.set("seeds", lines(seeds));
        ObjectNode crawl = WireJson.MAPPER.createObjectNode();
        putLines(crawl, "follow", follow);
        putNumber(crawl, "maxDepth", maxDepth);
        putNumber(crawl, "maxPages", maxPages);
        putLines(crawl, "include", include);
        putLines(crawl, "exclude", exclude);
        if (!crawl.isEmpty()) {
            root.set("crawl", crawl);
        }
        ObjectNode extract = WireJson.MAPPER.createObjectNode();
        if (!blank(extractOn)) {
            extract.put("on", extractOn.strip());
        }
        if (!blank(extractItem)) {
            extract.put("item", extractItem.strip());
        }
        if (!blank(fields)) {
            ObjectNode f = WireJson.MAPPER.createObjectNode();
            for (String line : split(fields)) {
                int eq = line.indexOf('=');
                String key = eq < 0 ? line : line.substring(0, eq).strip();
                String selector = eq < 0 ? "" : line.substring(eq + 1).strip();
                int at = selector.lastIndexOf(" @");
                if (at >= 0) {
                    f.set(key, WireJson.MAPPER.createObjectNode().put("selector", selector.substring(0, at).strip())
                            .put("attr", selector.substring(at + 2).strip()));
                } else {
                    f.put(key, selector);
                }
            }
            extract.set("fields", f);
        }
        if (!extract.isEmpty()) {
            root.set("extract", extract);
        }
        ObjectNode limits = WireJson.MAPPER.createObjectNode();
        putNumber(limits, "perHostConcurrency", perHostConcurrency);
        putNumber(limits, "perHostDelayMs", perHostDelayMs);
        if (!limits.isEmpty()) {
            root.set("limits", limits);
        }
        root.put("respectRobots", respectRobots);
        return WireJson.encodeString(root);
    }

    /** A form showing a stored spec (for "clone as new job"); parts the form has no field for are dropped. */
    public static JobForm of(JsonNode spec) {
        JsonNode crawl = spec.path("crawl");
        JsonNode extract = spec.path("extract");
        JsonNode limits = spec.path("limits");
        StringBuilder fields = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = extract.path("fields").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            fields.append(e.getKey()).append(" = ").append(v.isTextual() ? v.asText() : v.path("selector").asText());
            if (v.hasNonNull("attr")) {
                fields.append(" @").append(v.get("attr").asText());
            }
            fields.append('\n');
        }
        return new JobForm(spec.path("name").asText(""), join(spec.path("seeds")), join(crawl.path("follow")),
                text(crawl.path("maxDepth")), text(crawl.path("maxPages")), join(crawl.path("include")),
                join(crawl.path("exclude")), extract.path("on").asText(""), extract.path("item").asText(""),
                fields.toString().strip(), text(limits.path("perHostConcurrency")), text(limits.path("perHostDelayMs")),
                spec.path("respectRobots").asBoolean(true));
    }

    /** The form field an API error path belongs to ({@code crawl.follow[2]} → follow), or null. */
    public static String fieldOf(String path) {
        if (path == null) {
            return null;
        }
        String p = path.replaceAll("\\[\\d+]", "");
        if (p.equals("name")) {
            return "name";
        }
        if (p.startsWith("seeds") || p.startsWith("seedTemplate")) {
            return "seeds";
        }
        if (p.startsWith("crawl.")) {
            String f = p.substring(6);
            return List.of("follow", "maxDepth", "maxPages", "include", "exclude").contains(f) ? f : null;
        }
        if (p.equals("extract.on")) {
            return "extractOn";
        }
        if (p.equals("extract.item")) {
            return "extractItem";
        }
        if (p.startsWith("extract.fields")) {
            return "fields";
        }
        if (p.equals("limits.perHostConcurrency") || p.equals("limits.perHostDelayMs")) {
            return p.substring(7);
        }
        if (p.equals("respectRobots")) {
            return "respectRobots";
        }
        return null;
    }

    /** Errors grouped by form field; those no field shows go under "". */
    public static Map<String, List<String>> byField(List<FieldError> errors) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (FieldError e : errors) {
            String field = fieldOf(e.field());
            map.computeIfAbsent(field == null ? "" : field, k -> new ArrayList<>())
                    .add(field == null ? e.field() + ": " + e.message() : e.field() + " " + e.message());
        }
        return map;
    }

    private static void putLines(ObjectNode node, String key, String text) {
        if (!blank(text)) {
            node.set(key, lines(text));
        }
    }

    /** A number field: sent as a number when it is one, as the text otherwise (the API then names it). */
    private static void putNumber(ObjectNode node, String key, String text) {
        if (blank(text)) {
            return;
        }
        try {
            node.put(key, Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            node.put(key, text.strip());
        }
    }

    private static ArrayNode lines(String text) {
        ArrayNode array = WireJson.MAPPER.createArrayNode();
        split(text).forEach(array::add);
        return array;
    }

    private static List<String> split(String text) {
        return text == null ? List.of() : Arrays.stream(text.split("\\R")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(n -> parts.add(n.asText()));
        return String.join("\n", parts);
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "" : node.asText();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
