package io.trawl.event.websocket;

import java.util.List;
import java.util.Locale;

/**
 * The browser origins allowed to open a WebSocket. Entries are exact origins ({@code https://dash.example.com}),
 * an origin with any port ({@code http://localhost:*}) or {@code *} (any). A request without an {@code Origin}
 * header is not from a browser page and is not subject to the check. Pure.
 */
public final class OriginPolicy {

    private final List<String> allowed;

    public OriginPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).filter(s -> !s.isEmpty()).toList();
    }

    public boolean allows(String origin) {
        if (origin == null) {
            return true;
        }
        String candidate = normalize(origin);
        for (String entry : allowed) {
            if (entry.equals("*") || entry.equals(candidate)) {
                return true;
            }
            if (entry.endsWith(":*")) {
                String base = entry.substring(0, entry.length() - 2);
                if (candidate.equals(base) || (candidate.startsWith(base + ":")
                        && candidate.substring(base.length() + 1).chars().allMatch(Character::isDigit))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String normalize(String origin) {
        String s = origin.strip().toLowerCase(Locale.ROOT);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
