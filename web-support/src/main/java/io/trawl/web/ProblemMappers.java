package io.trawl.web;

import io.trawl.common.spec.InvalidSpecException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps every failure of a REST call to an RFC 9457 problem+json response. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** The problem+json response of a client error on the request at {@code uriInfo}. */
    public static Response respond(ProblemException e, UriInfo uriInfo) {
        return respond(e.toProblem(path(uriInfo)));
    }

    static String path(UriInfo uriInfo) {
        return uriInfo == null ? null : "/" + uriInfo.getPath().replaceFirst("^/", "");
    }

    /** Our own client errors. */
    @Provider
    public static class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {
        @Context
        UriInfo uriInfo;

        @Override
        public Response toResponse(ProblemException e) {
            return respond(e, uriInfo);
        }
    }

    /** A job spec (or schedule template) that failed validation: 400 with every bad field. */
    @Provider
    public static class InvalidSpecMapper implements ExceptionMapper<InvalidSpecException> {
        @Context
        UriInfo uriInfo;

        @Override
        public Response toResponse(InvalidSpecException e) {
            return respond(ProblemException.badRequest(e.errors().size() + " invalid field(s)", e.errors())
                    .toProblem(path(uriInfo)));
        }
    }

    /** Errors raised by the framework (unknown route 404, 405, 406, 415, 413, bad parameter 400, ...). */
    @Provider
    public static class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
        @Context
        UriInfo uriInfo;

        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            if (status >= 500) {
                LOG.log(Level.SEVERE, "server error", e);
            }
            Response.Status known = Response.Status.fromStatusCode(status);
            String title = known == null ? "HTTP " + status : known.getReasonPhrase();
            String slug = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
            Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE)
                    .entity(new Problem(Problem.TYPE_PREFIX + slug, title, status,
                            status >= 500 ? "unexpected server error" : e.getMessage(), path(uriInfo), null));
            if (e.getResponse() != null && e.getResponse().getHeaderString("Allow") != null) {
                builder.header("Allow", e.getResponse().getHeaderString("Allow"));
            }
            return builder.build();
        }
    }

    /** Anything else is our bug: 500 problem+json, logged with its stack. */
    @Provider
    public static class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
        @Context
        UriInfo uriInfo;

        @Override
        public Response toResponse(Throwable e) {
            LOG.log(Level.SEVERE, "unexpected error on " + path(uriInfo), e);
            return respond(new Problem(Problem.TYPE_PREFIX + "internal", "Internal server error", 500,
                    "unexpected server error", path(uriInfo), null));
        }
    }
}
