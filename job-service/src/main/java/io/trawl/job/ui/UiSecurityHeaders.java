package io.trawl.job.ui;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;

/**
 * Security headers on every {@code /ui} response (pages and assets): a Content-Security-Policy with scripts and
 * styles from this origin only (no inline script) that allows connecting to the feed, frame-ancestors none,
 * nosniff, no referrer across origins. Versioned assets ({@code /ui/static/...?v=}) are cached for a year.
 */
@ApplicationScoped
public class UiSecurityHeaders {

    private final String csp;

    public UiSecurityHeaders(DashboardConfig config) {
        this.csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self' " + feedSources(config.feedUrl()) + "; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'; object-src 'none'";
    }

    /** The feed's origin in both its http(s) and ws(s) forms (CSP matches ws: against http: only in CSP3). */
    static String feedSources(String feedUrl) {
        try {
            URI uri = URI.create(feedUrl.strip());
            String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            boolean tls = "https".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme());
            return (tls ? "https://" : "http://") + host + " " + (tls ? "wss://" : "ws://") + host;
        } catch (IllegalArgumentException | NullPointerException e) {
            return "";
        }
    }

    public String contentSecurityPolicy() {
        return csp;
    }

    void install(@Observes Router router) {
        router.route("/ui*").order(-10).handler(ctx -> {
            boolean asset = ctx.request().path().startsWith("/ui/static/");
            ctx.addHeadersEndHandler(v -> {
                var headers = ctx.response().headers();
                headers.set("Content-Security-Policy", csp);
                headers.set("X-Content-Type-Options", "nosniff");
                headers.set("X-Frame-Options", "DENY");
                headers.set("Referrer-Policy", "same-origin");
                if (asset && ctx.response().getStatusCode() == 200) {
                    headers.set("Cache-Control", "public, max-age=31536000, immutable");
                } else if (!asset) {
                    headers.set("Cache-Control", "no-store");
                }
            });
            ctx.next();
        });
    }
}
