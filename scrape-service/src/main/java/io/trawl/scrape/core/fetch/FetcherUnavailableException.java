package io.trawl.scrape.core.fetch;

/**
 * This worker cannot fetch right now, and the page was not tried: its browser could not be started or attached
 * (a launch that failed or took too long, a driver that did not start). The worker's trouble, not the page's, so
 * the task is handed back without spending an attempt (docs/browser.md, "Worker-side failures").
 */
public class FetcherUnavailableException extends RuntimeException {

    public FetcherUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
