package io.trawl.web;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Provides the {@link ApiKeys} of {@code trawl.api-keys} (TRAWL_API_KEYS) and {@code trawl.admin-keys}
 * (TRAWL_ADMIN_KEYS) to {@link ApiKeyFilter} and the WebSocket upgrade.
 */
public class ApiKeysProducer {

    @Produces
    @Singleton
    ApiKeys apiKeys(@ConfigProperty(name = "trawl.api-keys") Optional<String> keys,
            @ConfigProperty(name = "trawl.admin-keys") Optional<String> adminKeys) {
        return ApiKeys.parse(keys.orElse(""), adminKeys.orElse(""));
    }
}
