package io.trawl.job.service;

import io.trawl.job.config.TrawlConfig;
import io.trawl.web.FeedTokens;
import io.trawl.support.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Mints the dashboard's short-lived feed tokens (DESIGN.md §7): for the tenant the caller acts on, or, for an
 * admin naming no tenant, every tenant. 503 when no secret is configured.
 */
@ApplicationScoped
public class FeedTokenService {

    private final FeedTokens tokens;
    private final Duration ttl;
    private final Clock clock;

    public FeedTokenService(FeedTokens tokens, TrawlConfig config, Clock clock) {
        this.tokens = tokens;
        this.ttl = config.feedToken().ttl();
        this.clock = clock;
    }

    /** A token reading the feed of {@code scope} (empty: every tenant). */
    public FeedTokens.Minted mint(Optional<String> scope) {
        if (!tokens.enabled()) {
            throw new Refusal.Unavailable("feed-tokens-disabled", "Feed tokens are not configured",
                    "this job-service has no TRAWL_FEED_TOKEN_SECRET; API keys still work on the feed");
        }
        return tokens.mint(scope.orElse(null), clock.instant(), ttl);
    }
}
