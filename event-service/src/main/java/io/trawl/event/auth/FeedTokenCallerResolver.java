package io.trawl.event.auth;

import io.trawl.web.ApiKeys;
import io.trawl.web.Caller;
import io.trawl.web.CallerResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Optional;

/**
 * Lets a feed token stand where an API key does on event-service's REST replay and SSE stream:
 * {@code Authorization: Bearer <feed token>}. Asked by the shared API key filter when the bearer is no key.
 */
@ApplicationScoped
public class FeedTokenCallerResolver implements CallerResolver {

    private final FeedTokenCallers callers;

    public FeedTokenCallerResolver(FeedTokenCallers callers) {
        this.callers = callers;
    }

    @Override
    public Optional<Caller> resolve(ContainerRequestContext request) {
        return ApiKeys.bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION)).flatMap(callers::token);
    }
}
