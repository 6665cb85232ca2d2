package io.trawl.job.rest;

import io.trawl.job.domain.Refusal;
import io.trawl.web.ProblemException;
import io.trawl.web.ProblemMappers;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The REST edge of the services' refusals: each kind becomes its problem+json status. */
@Provider
public class RefusalMapper implements ExceptionMapper<Refusal> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(Refusal refusal) {
        return ProblemMappers.respond(problem(refusal), uriInfo);
    }

    /** The problem a refusal is at the REST edge (also what the dashboard's pages explain in words). */
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
        return ProblemException.unprocessable(refusal.getMessage());
    }
}
