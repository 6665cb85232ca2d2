package io.trawl.web;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates every {@code /api/...} request with {@code Authorization: Bearer <api key>}: 401
 * problem+json without a known key; a viewer key's state-changing request (anything but GET, HEAD,
 * OPTIONS, except minting a feed token) is a 403 problem; otherwise the key's {@link Caller} becomes the
 * {@link CurrentTenant}. The service provides the {@link ApiKeys} bean from its configuration; a service
 * may add other credentials (e.g. the dashboard's session) through {@link CallerResolver} beans.
 */
@Provider
public class ApiKeyFilter implements ContainerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** Viewers may mint a short-lived read-only feed token (DESIGN.md §7): reading the feed is a read. */
    private static final String FEED_TOKENS = "v1/feed-tokens";

    // Resolved per request: filters are created before runtime configuration is available.
    @Inject
    Instance<ApiKeys> apiKeys;

    @Inject
    Instance<CallerResolver> resolvers;

    @Inject
    CurrentTenant currentTenant;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.startsWith("api/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller = apiKeys.get().callerOfAuthorization(header);
        for (CallerResolver resolver : resolvers) {
            if (caller.isPresent()) {
                break;
            }
            caller = resolver.resolve(request);
        }
        if (caller.isEmpty()) {
            String detail = header == null ? "missing Authorization: Bearer <api key>" : "unknown API key";
            abort(request, 401, ProblemException.unauthorized(detail), path, true);
            return;
        }
        if (!caller.get().role().canWrite() && !READS.contains(request.getMethod())
                && !path.replaceFirst("^/?api/", "").equals(FEED_TOKENS)) {
            abort(request, 403, ProblemException.forbidden("this key has the viewer role: it may read, not change"),
                    path, false);
            return;
        }
        currentTenant.set(caller.get(), request.getUriInfo().getQueryParameters().getFirst("tenant"));
    }

    private static void abort(ContainerRequestContext request, int status, ProblemException problem, String path,
            boolean challenge) {
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(problem.toProblem(path));
        if (challenge) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"trawl\"");
        }
        request.abortWith(response.build());
    }
}
