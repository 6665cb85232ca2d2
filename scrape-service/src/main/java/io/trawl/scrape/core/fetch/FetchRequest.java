package io.trawl.scrape.core.fetch;

import java.time.Duration;

/**
 * One page to fetch.
 *
 * @param url      absolute http(s) URL
 * @param timeout  total time for the whole fetch (name resolution, every redirect hop, the body; for a browser,
 *                 also the scripts, {@code waitFor} and {@code waitMs})
 * @param maxBytes largest body accepted, on the wire and after decompression (for a browser: the rendered HTML)
 * @param truncate when true a longer body is cut at {@code maxBytes} (and the connection closed) instead of
 *                 failing with {@link FetchFailure#TOO_LARGE} — robots.txt, whose first 500 KiB count (RFC 9309)
 * @param browser  how to render the page in a browser; null for a static fetch
 */
public record FetchRequest(String url, Duration timeout, long maxBytes, boolean truncate, RenderRules browser) {

    public FetchRequest(String url, Duration timeout, long maxBytes) {
        this(url, timeout, maxBytes, false, null);
    }

    public FetchRequest(String url, Duration timeout, long maxBytes, RenderRules browser) {
        this(url, timeout, maxBytes, false, browser);
    }

    /** A request whose body is cut at {@code maxBytes} rather than refused. */
    public static FetchRequest truncating(String url, Duration timeout, long maxBytes) {
        return new FetchRequest(url, timeout, maxBytes, true, null);
    }
}
