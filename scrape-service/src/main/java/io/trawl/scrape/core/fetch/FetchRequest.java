package io.trawl.scrape.core.fetch;

import java.time.Duration;

/**
 * One page to fetch.
 *
 * @param url      absolute http(s) URL
 * @param timeout  total time for the whole fetch (name resolution, every redirect hop, the body)
 * @param maxBytes largest body accepted, on the wire and after decompression
 */
public record FetchRequest(String url, Duration timeout, long maxBytes) {
}
