package io.trawl.helm;

import java.util.List;
import java.util.Map;

/** Dotted-path access into parsed YAML ({@code spec.template.spec.containers}). */
final class Yamls {

    private Yamls() {
    }

    /** The value at a dotted path, or null when any step is missing. */
    @SuppressWarnings("unchecked")
    static Object at(Object node, String path) {
        Object current = node;
        for (String step : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = ((Map<String, Object>) map).get(step);
        }
        return current;
    }

    static String str(Object node, String path) {
        Object value = at(node, path);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String path) {
        Object value = at(node, path);
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("not a map at " + path + ": " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object node, String path) {
        Object value = at(node, path);
        if (!(value instanceof List<?>)) {
            throw new AssertionError("not a list at " + path + ": " + value);
        }
        return (List<Map<String, Object>>) value;
    }

    /** The only container of a Deployment's or Pod's template. */
    static Map<String, Object> container(Map<String, Object> workload) {
        String path = "Pod".equals(workload.get("kind")) ? "spec.containers" : "spec.template.spec.containers";
        List<Map<String, Object>> containers = list(workload, path);
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, got " + containers.size());
        }
        return containers.get(0);
    }
}
