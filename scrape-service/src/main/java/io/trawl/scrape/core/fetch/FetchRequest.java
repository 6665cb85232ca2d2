package io.trawl.scrape.core.fetch;

import java.time.Duration;

/**
 * One page to fetch.
 *
 * @param url      absolute http(s) URL
 * @param timeout  total time for the whole fetch (name resolution, every redirect hop, the body; for a browser,
 *                 also the scripts, {@code waitFor} and {@code waitMs})
 * @param maxBytes largest body accepted, on the wire and after decompression (for a browser: the rendered HTML)
 * @param browser  how to render the page in a browser; null for a static fetch
 */
public record FetchRequest(String url, Duration timeout, long maxBytes, RenderRules browser) {

    public FetchRequest(String url, Duration timeout, long maxBytes) {
        this(url, timeout, maxBytes, null);
    }
}
