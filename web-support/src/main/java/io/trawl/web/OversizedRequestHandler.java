package io.trawl.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.trawl.common.json.WireJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Answers a request whose declared body exceeds {@code quarkus.http.limits.max-body-size} with a 413
 * problem+json (Quarkus' own limit check answers with an empty body). Runs before every other route.
 */
@ApplicationScoped
public class OversizedRequestHandler {

    void install(@Observes Router router) {
        long limit = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared <= limit) {
                ctx.next();
                return;
            }
            Problem problem = new ProblemException(413, "payload-too-large", "Payload too large",
                    "the request body is " + declared + " bytes; the limit is " + limit, null)
                    .toProblem(ctx.request().path());
            ctx.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(WireJson.encodeString(problem));
        });
    }
}
