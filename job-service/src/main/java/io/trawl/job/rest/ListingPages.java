package io.trawl.job.rest;

import io.trawl.job.config.TrawlConfig;
import io.trawl.web.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The page a listing's {@code ?cursor=&limit=} ask for, with the API's limits ({@code trawl.api.default-limit},
 * {@code trawl.api.max-limit}); every REST listing of job-service reads its query this way.
 */
@ApplicationScoped
public class ListingPages {

    private final int defaultLimit;
    private final int maxLimit;

    public ListingPages(TrawlConfig config) {
        this.defaultLimit = config.api().defaultLimit();
        this.maxLimit = config.api().maxLimit();
    }

    /** The request; a bad cursor or limit is refused (400) by {@link PageRequest#of}. */
    public PageRequest of(String cursor, String limit) {
        return PageRequest.of(cursor, limit, defaultLimit, maxLimit);
    }
}
