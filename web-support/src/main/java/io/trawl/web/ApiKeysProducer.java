package io.trawl.web;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Provides the {@link ApiKeys} of {@code trawl.api-keys} (TRAWL_API_KEYS) and {@code trawl.admin-keys}
 * (TRAWL_ADMIN_KEYS) to {@link ApiKeyFilter} and the WebSocket upgrade: the one reader of these keys.
 */
public class ApiKeysProducer {

    @Produces
    @Singleton
    ApiKeys apiKeys(ApiKeysConfig config) {
        return ApiKeys.parse(config.apiKeys().orElse(""), config.adminKeys().orElse(""));
    }
}
