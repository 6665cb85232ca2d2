package io.trawl.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.Optional;

/**
 * The API keys of a service with an API ({@code trawl.*}; each key also reads from its TRAWL_* variable), read by
 * {@link ApiKeysProducer} for the key filter and the WebSocket upgrade of both job-service and event-service.
 */
@ConfigMapping(prefix = "trawl")
public interface ApiKeysConfig {

    /** API keys and their tenants: {@code key=tenant,key2=tenant2:viewer} (TRAWL_API_KEYS). */
    @WithName("api-keys")
    Optional<String> apiKeys();

    /**
     * Admin keys, {@code key,key2} (TRAWL_ADMIN_KEYS): every tenant (name one with {@code ?tenant=}) and the
     * fleet views. Tenant keys may carry a role: {@code key=tenant:viewer} is read only.
     */
    @WithName("admin-keys")
    Optional<String> adminKeys();
}
