package io.trawl.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Optional;

/**
 * Another way than an API key to say who a request is, asked by {@link ApiKeyFilter} when the request carries no
 * known key: job-service's dashboard session cookie, event-service's short-lived feed tokens. An implementation
 * must verify what it accepts (signature, expiry) and return empty for anything else.
 */
public interface CallerResolver {

    Optional<Caller> resolve(ContainerRequestContext request);
}
