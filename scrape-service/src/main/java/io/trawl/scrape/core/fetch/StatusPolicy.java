package io.trawl.scrape.core.fetch;

/** What an HTTP status means for a page (pure): done, worth another attempt later, or final. */
public enum StatusPolicy {
    SUCCESS, RETRYABLE, PERMANENT;

    /** 2xx: success; 408, 425, 429 and 5xx: retryable; everything else (4xx, unfollowed 3xx, 1xx): permanent. */
    public static StatusPolicy of(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500 && status < 600) {
            return RETRYABLE;
        }
        return PERMANENT;
    }
}
