package io.trawl.web;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Authenticates every {@code /api/...} request with {@code Authorization: Bearer <api key>}: 401
 * problem+json without a known key, otherwise the key's tenant becomes the {@link CurrentTenant}.
 * The service provides the {@link ApiKeys} bean from its configuration.
 */
@Provider
public class ApiKeyFilter implements ContainerRequestFilter {

    // Resolved per request: filters are created before runtime configuration is available.
    @Inject
    Instance<ApiKeys> apiKeys;

    @Inject
    CurrentTenant currentTenant;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.startsWith("api/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        apiKeys.get().tenantOfAuthorization(header).ifPresentOrElse(currentTenant::set, () -> {
            String detail = header == null ? "missing Authorization: Bearer <api key>" : "unknown API key";
            request.abortWith(Response.status(401)
                    .type(Problem.MEDIA_TYPE)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"trawl\"")
                    .entity(ProblemException.unauthorized(detail).toProblem(path))
                    .build());
        });
    }
}
