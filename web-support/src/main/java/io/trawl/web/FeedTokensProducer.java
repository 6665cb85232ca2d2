package io.trawl.web;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Provides the {@link FeedTokens} of {@code trawl.feed-token.secret} (TRAWL_FEED_TOKEN_SECRET), shared by
 * job-service (mints) and event-service (verifies). Without a secret feed tokens are {@link FeedTokens#disabled()}:
 * job-service answers a mint with 503 and event-service accepts none (API keys keep working). A secret shorter
 * than {@link FeedTokens#MIN_SECRET_LENGTH} fails the start.
 */
public class FeedTokensProducer {

    private static final Logger LOG = Logger.getLogger(FeedTokensProducer.class);

    @Produces
    @Singleton
    FeedTokens feedTokens(@ConfigProperty(name = "trawl.feed-token.secret") Optional<String> secret) {
        if (secret.isEmpty() || secret.get().isBlank()) {
            LOG.warn("TRAWL_FEED_TOKEN_SECRET is not set: feed tokens are disabled (the dashboard's live feed "
                    + "cannot connect; API keys still work)");
            return FeedTokens.disabled();
        }
        return FeedTokens.withSecret(secret.get());
    }
}
