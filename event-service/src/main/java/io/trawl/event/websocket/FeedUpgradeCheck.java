package io.trawl.event.websocket;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.trawl.web.ApiKeys;
import io.trawl.event.config.TrawlConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Guards every WebSocket upgrade: a browser {@code Origin} must be allow-listed (else 403), and the request must
 * carry a known API key — {@code Authorization: Bearer <key>}, or the {@code access_token} query parameter for
 * browsers, which cannot set headers on a WebSocket (else 401). The key's tenant goes with the connection.
 */
@ApplicationScoped
public class FeedUpgradeCheck implements HttpUpgradeCheck {

    /** The tenant of the connection's API key. */
    public static final UserData.TypedKey<String> TENANT = new UserData.TypedKey<>("trawl.tenant");

    private final ApiKeys apiKeys;
    private final OriginPolicy origins;

    public FeedUpgradeCheck(ApiKeys apiKeys, TrawlConfig config) {
        this.apiKeys = apiKeys;
        this.origins = new OriginPolicy(config.websocket().allowedOrigins().orElse(List.of()));
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        if (!origins.allows(request.getHeader("Origin"))) {
            return CheckResult.rejectUpgrade(403);
        }
        Optional<String> tenant = apiKeys.tenantOfAuthorization(request.getHeader("Authorization"));
        if (tenant.isEmpty()) {
            tenant = apiKeys.tenantOf(request.getParam("access_token"));
        }
        if (tenant.isEmpty()) {
            return CheckResult.rejectUpgrade(401, Map.of("WWW-Authenticate", List.of("Bearer realm=\"trawl\"")));
        }
        context.userData().put(TENANT, tenant.get());
        return CheckResult.permitUpgrade();
    }
}
