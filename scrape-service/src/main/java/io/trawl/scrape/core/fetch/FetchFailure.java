package io.trawl.scrape.core.fetch;

/** Why a fetch produced no usable response, and whether trying again later can help. */
public enum FetchFailure {
    /** Connect, read (idle) or total time limit exceeded. */
    TIMEOUT(true),
    /** Refused, reset, closed, unresolvable name, TLS handshake failure. */
    CONNECTION(true),
    /** robots.txt could not be fetched (5xx, network): the host's rules are unknown for now. */
    ROBOTS_UNAVAILABLE(true),
    /** The address guard refused the host or a redirect target. */
    BLOCKED_ADDRESS(false),
    /** robots.txt disallows the URL for our user agent. */
    BLOCKED_BY_ROBOTS(false),
    /** Not an absolute http(s) URL, or a redirect without a usable Location. */
    BAD_URL(false),
    /** More redirects than allowed. */
    TOO_MANY_REDIRECTS(false),
    /** The body (on the wire or decompressed) is larger than allowed. */
    TOO_LARGE(false),
    /** A content encoding we did not ask for, or a corrupt compressed body. */
    BAD_ENCODING(false),
    /** The response is not an HTML document. */
    NOT_HTML(false);

    private final boolean retryable;

    FetchFailure(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The short slug used in error messages and metrics ({@code too-large}). */
    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
