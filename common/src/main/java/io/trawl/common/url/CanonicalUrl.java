package io.trawl.common.url;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The canonical form of a page URL. Every service that creates a task (seeds in job-service, discovered
 * links in scrape-service) canonicalizes with this class, so "a URL is fetched once per job" holds:
 * scheme and host lower-cased (IDN to ASCII), default port dropped, empty path becomes "/", dot segments
 * resolved, fragment dropped, characters that are not legal in a URI percent-encoded (UTF-8).
 *
 * @param url     the canonical URL string
 * @param hostKey the politeness key: host, plus ":port" when the port is not the scheme's default
 */
public record CanonicalUrl(String url, String hostKey) {

    public static final int MAX_LENGTH = 2048;

    /** Canonicalizes an absolute http(s) URL; empty when it is not one (or is longer than {@link #MAX_LENGTH}). */
    public static Optional<CanonicalUrl> of(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(encodeIllegal(trimmed));
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme) || uri.isOpaque()) {
                return Optional.empty();
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty() || uri.getRawUserInfo() != null) {
                return Optional.empty();
            }
            host = host.startsWith("[") ? host.toLowerCase(Locale.ROOT) : IDN.toASCII(host).toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            int port = uri.getPort();
            if (port == defaultPort(scheme)) {
                port = -1;
            }
            if (port == 0 || port > 65535) {
                return Optional.empty();
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            URI normalized = new URI(scheme + "://" + host + (port > 0 ? ":" + port : "") + path).normalize();
            String normalizedPath = normalized.getRawPath();
            while (normalizedPath.startsWith("/../")) {
                normalizedPath = normalizedPath.substring(3);
            }
            String authority = host + (port > 0 ? ":" + port : "");
            String url = scheme + "://" + authority + normalizedPath
                    + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
            if (url.length() > MAX_LENGTH) {
                return Optional.empty();
            }
            return Optional.of(new CanonicalUrl(url, authority));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the canonical URL: the (job_id, url_hash) uniqueness key of tasks. */
    public byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The host name or address literal, without port or IPv6 brackets. */
    public String host() {
        URI uri = URI.create(url);
        String host = uri.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    /** Percent-encodes (as UTF-8) every character that may not appear literally in a URI; drops the fragment. */
    static String encodeIllegal(String raw) {
        int hash = raw.indexOf('#');
        String s = hash >= 0 ? raw.substring(0, hash) : raw;
        StringBuilder out = new StringBuilder(s.length() + 16);
        int start = 0;
        int scheme = s.indexOf("://");
        if (scheme > 0) {
            int end = scheme + 3;
            while (end < s.length() && "/?".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            out.append(s, 0, scheme + 3).append(asciiAuthority(s.substring(scheme + 3, end)));
            start = end;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isLegal(c)) {
                if (c == '%' && !(i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2)))) {
                    out.append("%25");
                } else {
                    out.append(c);
                }
            } else {
                int cp = s.codePointAt(i);
                if (Character.charCount(cp) == 2) {
                    i++;
                }
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
        }
        return out.toString();
    }

    /** The authority with an internationalized host name in its ASCII (punycode) form. */
    private static String asciiAuthority(String authority) {
        if (authority.chars().allMatch(c -> c < 0x80) || authority.contains("@") || authority.startsWith("[")) {
            return authority;
        }
        int colon = authority.lastIndexOf(':');
        String host = colon >= 0 ? authority.substring(0, colon) : authority;
        String port = colon >= 0 ? authority.substring(colon) : "";
        return IDN.toASCII(host) + port;
    }

    private static boolean isLegal(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || "-._~:/?[]@!$&'()*+,;=%".indexOf(c) >= 0);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
