package io.trawl.scrape.core.fetch;

import io.smallrye.mutiny.Uni;

/**
 * The scraper core's fetcher port (StormCrawler's {@code Protocol}): given a URL and its limits, returns the
 * final URL, status, content type and body of a page, or fails with a {@link FetchException}. Robots,
 * extraction, links and politeness are the same code whichever implementation fetched the page.
 * <p>
 * Every implementation must check every destination it connects to with the address guard, obey the
 * request's timeout and byte cap, and stop its work when the returned Uni is cancelled.
 */
public interface PageFetcher {

    /** Fetches {@code request.url()} with no hop filter. */
    default Uni<FetchResponse> fetch(FetchRequest request) {
        return fetch(request, HopFilter.NONE);
    }

    /** Fetches {@code request.url()}, running {@code filter} before every hop (the URL and each redirect). */
    Uni<FetchResponse> fetch(FetchRequest request, HopFilter filter);

    /** Releases connections, processes and threads. */
    default void close() {
    }
}
