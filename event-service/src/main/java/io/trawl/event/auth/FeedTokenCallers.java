package io.trawl.event.auth;

import io.trawl.web.ApiKeys;
import io.trawl.web.Caller;
import io.trawl.web.FeedTokens;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;

/**
 * Who a feed credential is: a known API key or a valid feed token minted by job-service (DESIGN.md §7); the one
 * place event-service decides it, for REST, SSE ({@link FeedTokenCallerResolver}) and the WebSocket upgrade.
 */
@ApplicationScoped
public class FeedTokenCallers {

    private final ApiKeys apiKeys;
    private final FeedTokens tokens;
    private final Clock clock;

    public FeedTokenCallers(ApiKeys apiKeys, FeedTokens tokens, Clock clock) {
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The caller of a bearer credential: an API key, else a feed token that is ours and not expired. */
    public Optional<Caller> of(String credential) {
        if (credential == null || credential.isEmpty()) {
            return Optional.empty();
        }
        if (FeedTokens.looksLikeToken(credential)) {
            return token(credential);
        }
        return apiKeys.callerOf(credential);
    }

    /** The caller of a feed token only. */
    public Optional<Caller> token(String credential) {
        return tokens.verify(credential, clock.instant());
    }
}
