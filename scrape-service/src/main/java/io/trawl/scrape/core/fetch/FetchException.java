package io.trawl.scrape.core.fetch;

/** A fetch that failed before a usable response: carries the {@link FetchFailure} that classifies it. */
public class FetchException extends RuntimeException {

    private final FetchFailure failure;

    public FetchException(FetchFailure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public FetchException(FetchFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public FetchFailure failure() {
        return failure;
    }

    /** {@code "timeout: no response within 15000 ms"}: what a task's last_error shows. */
    public String describe() {
        return failure.slug() + ": " + getMessage();
    }
}
