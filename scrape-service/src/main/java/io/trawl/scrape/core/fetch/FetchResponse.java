package io.trawl.scrape.core.fetch;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What a fetch returned (any status that is not a redirect).
 *
 * @param url         the final URL, after redirects
 * @param status      HTTP status code
 * @param contentType the Content-Type header, or null
 * @param body        the decoded (decompressed) body; empty for error statuses, whose bodies are not read
 * @param wireBytes   bytes received on the wire for the final response body
 * @param elapsed     time from the start of the fetch to the end of the body
 * @param retryAfter  the Retry-After header as a duration from now, when present and valid
 * @param redirects   redirect hops followed
 */
public record FetchResponse(String url, int status, String contentType, byte[] body, long wireBytes,
        Duration elapsed, Optional<Duration> retryAfter, int redirects) {

    /** True for {@code text/html} and {@code application/xhtml+xml}; a missing type is sniffed from the body. */
    public boolean isHtml() {
        if (contentType == null || contentType.isBlank()) {
            return looksLikeHtml(body);
        }
        String mime = mimeType();
        return mime.equals("text/html") || mime.equals("application/xhtml+xml");
    }

    /** The media type without parameters, lower case ({@code text/html}). */
    public String mimeType() {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** The charset parameter of the Content-Type, if any. */
    public Optional<String> charset() {
        if (contentType == null) {
            return Optional.empty();
        }
        for (String part : contentType.split(";")) {
            String p = part.strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                String value = p.substring(8).strip().replace("\"", "").replace("'", "");
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    static boolean looksLikeHtml(byte[] body) {
        int n = Math.min(body.length, 512);
        String head = new String(body, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading()
                .toLowerCase(Locale.ROOT);
        if (head.startsWith("\u00ef\u00bb\u00bf")) {
            head = head.substring(3).stripLeading();
        }
        return head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<head")
                || head.startsWith("<body") || head.startsWith("<!--") && head.contains("<html");
    }
}
