package io.trawl.event.rest;

import io.trawl.event.config.TrawlConfig;
import io.trawl.event.websocket.OriginPolicy;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * CORS for the REST replay and SSE stream, so a dashboard served from another origin (job-service's
 * {@code /ui}) can call them with a feed token: the origins are those allowed to open a WebSocket
 * ({@code trawl.websocket.allowed-origins}). Only reads are offered; credentials travel in
 * {@code Authorization}, never in cookies, so no {@code Allow-Credentials}. A request from another origin gets
 * no CORS headers (the browser then withholds the answer); a request without {@code Origin} is untouched.
 */
@ApplicationScoped
public class CorsRoutes {

    static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
    static final String ALLOWED_HEADERS = "Authorization, Accept, Last-Event-ID";

    private final OriginPolicy origins;

    public CorsRoutes(TrawlConfig config) {
        this.origins = new OriginPolicy(config.websocket().allowedOrigins().orElse(List.of()));
    }

    void install(@Observes Router router) {
        router.route("/api/*").order(-100).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        String origin = context.request().getHeader("Origin");
        if (origin == null || !origins.allows(origin)) {
            context.next();
            return;
        }
        HttpServerResponse response = context.response();
        response.putHeader("Access-Control-Allow-Origin", origin);
        response.putHeader("Vary", "Origin");
        response.putHeader("Access-Control-Expose-Headers", "Link");
        if (context.request().method() == HttpMethod.OPTIONS
                && context.request().getHeader("Access-Control-Request-Method") != null) {
            response.putHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
            response.putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.putHeader("Access-Control-Max-Age", "600");
            response.setStatusCode(204).end();
            return;
        }
        context.next();
    }
}
