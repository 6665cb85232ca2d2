package io.trawl.web;

import io.trawl.support.Refusal;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The HTTP edge of the services' refusals: each kind becomes its problem+json status. */
@Provider
public class RefusalMapper implements ExceptionMapper<Refusal> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(Refusal refusal) {
        return ProblemMappers.respond(problem(refusal), uriInfo);
    }

    /**
     * The problem a refusal is at the edge (also what the dashboard's pages explain in words and what a refused
     * WebSocket upgrade sends before it closes).
     */
    public static ProblemException problem(Refusal refusal) {
        if (refusal instanceof Refusal.InvalidInput invalid) {
            return ProblemException.badParameter(invalid.field(), invalid.reason());
        }
        if (refusal instanceof Refusal.NotFound) {
            return ProblemException.notFound(refusal.getMessage());
        }
        if (refusal instanceof Refusal.Conflict) {
            return ProblemException.conflict(refusal.getMessage());
        }
        if (refusal instanceof Refusal.Gone) {
            return new ProblemException(410, "gone", "Gone", refusal.getMessage(), null);
        }
        if (refusal instanceof Refusal.Unavailable unavailable) {
            return new ProblemException(503, unavailable.kind(), unavailable.summary(), refusal.getMessage(), null);
        }
        return ProblemException.unprocessable(refusal.getMessage());
    }
}
