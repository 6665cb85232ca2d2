package io.trawl.scrape.service;

import io.trawl.scrape.core.extract.ParsedPage;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetchResponse;
import java.time.Duration;
import java.util.Optional;

/** How one fetch attempt of a task ended. */
public sealed interface Attempt {

    /** An HTML page, fetched and parsed. */
    record Fetched(FetchResponse response, ParsedPage page) implements Attempt {
    }

    /**
     * No usable page: an HTTP error status ({@code failure} null) or a {@link FetchFailure}.
     *
     * @param retryAfter the server's Retry-After, when it sent one
     */
    record Failed(String error, Integer httpStatus, FetchFailure failure, boolean retryable,
            Optional<Duration> retryAfter, Duration elapsed, long bytes) implements Attempt {
    }

    /**
     * Not tried: this worker cannot fetch now (its browser did not start or attach). Not the page's failure: the
     * task is handed back without spending the attempt.
     */
    record Unavailable(String error) implements Attempt {
    }

    /** Stopped by a pause, kill, shutdown or lost lease. */
    record Cancelled(CancelReason reason) implements Attempt {
    }
}
