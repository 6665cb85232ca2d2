package io.trawl.scrape.core.fetch;

import java.time.Duration;

/**
 * Fixed fetcher settings (per process; per-page limits come with each {@link FetchRequest}).
 *
 * @param userAgent          the User-Agent header
 * @param connectTimeout     TCP (+TLS) connect limit per hop
 * @param readTimeout        longest silence while waiting for response bytes
 * @param maxRedirects       redirect hops followed before giving up
 * @param maxPoolSizePerHost pooled connections per server address
 */
public record FetcherOptions(String userAgent, Duration connectTimeout, Duration readTimeout, int maxRedirects,
        int maxPoolSizePerHost) {
}
