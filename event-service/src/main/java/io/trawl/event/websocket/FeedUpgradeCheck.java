package io.trawl.event.websocket;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.trawl.event.auth.FeedTokenCallers;
import io.trawl.web.ApiKeys;
import io.trawl.web.Caller;
import io.trawl.event.config.TrawlConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Guards every WebSocket upgrade: a browser {@code Origin} must be allow-listed (else 403), and the request must
 * carry a known API key or a valid feed token (DESIGN.md §7) — {@code Authorization: Bearer <credential>}, or the
 * {@code access_token} query parameter for browsers, which cannot set headers on a WebSocket (else 401). The
 * credential's {@link Caller} goes with the connection (an admin's reads every tenant).
 */
@ApplicationScoped
public class FeedUpgradeCheck implements HttpUpgradeCheck {

    /** Who opened the connection (its API key's or feed token's caller). */
    public static final UserData.TypedKey<Caller> CALLER = new UserData.TypedKey<>("trawl.caller");

    private final FeedTokenCallers callers;
    private final OriginPolicy origins;

    public FeedUpgradeCheck(FeedTokenCallers callers, TrawlConfig config) {
        this.callers = callers;
        this.origins = new OriginPolicy(config.websocket().allowedOrigins().orElse(List.of()));
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        if (!origins.allows(request.getHeader("Origin"))) {
            return CheckResult.rejectUpgrade(403);
        }
        Optional<Caller> caller = ApiKeys.bearer(request.getHeader("Authorization")).flatMap(callers::of);
        if (caller.isEmpty()) {
            caller = callers.of(request.getParam("access_token"));
        }
        if (caller.isEmpty()) {
            return CheckResult.rejectUpgrade(401, Map.of("WWW-Authenticate", List.of("Bearer realm=\"trawl\"")));
        }
        context.userData().put(CALLER, caller.get());
        return CheckResult.permitUpgrade();
    }
}
