package io.trawl.event.websocket;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads a parameter of a raw query string ({@code a=1&b=x%20y}). Pure. */
final class QueryString {

    private QueryString() {
    }

    /** The first value of {@code name}, decoded; null when absent. Malformed escapes make it absent too. */
    static String first(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            try {
                if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: not a usable parameter
            }
        }
        return null;
    }
}
