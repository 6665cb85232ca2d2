package io.trawl.job.ui;

import io.trawl.web.ApiKeys;
import io.trawl.web.Caller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Signing in and out of the dashboard. Login is a POST form (the key never appears in a URL); the key is checked
 * like a Bearer key and the browser gets a session cookie holding tenant, role and expiry only.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class UiAuthResource {

    private final UiSupport ui;
    private final UiSessions sessions;
    private final ApiKeys keys;

    public UiAuthResource(UiSupport ui, UiSessions sessions, ApiKeys keys) {
        this.ui = ui;
        this.sessions = sessions;
        this.keys = keys;
    }

    @GET
    @Operation(hidden = true)
    public Response home() {
        return UiSupport.seeOther("/ui/jobs");
    }

    @GET
    @Path("/login")
    @Operation(hidden = true)
    public Response loginPage(@QueryParam("next") String next) {
        return UiSupport.html(200, UiTemplates.login(ui.chrome(null, "Sign in", "login", null),
                UiSupport.safeNext(next), ""));
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response login(@FormParam("key") String key, @FormParam("next") String next, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        Optional<Caller> caller = keys.callerOf(key == null ? null : key.strip());
        if (caller.isEmpty()) {
            return UiSupport.html(401, UiTemplates.login(ui.chrome(null, "Sign in", "login", null),
                    UiSupport.safeNext(next), "That API key is not known."));
        }
        UiSession session = sessions.open(caller.get());
        return Response.seeOther(java.net.URI.create(UiSupport.safeNext(next)))
                .header(HttpHeaders.SET_COOKIE, sessions.cookie(session, ui.secure(headers, uri.getRequestUri().getScheme())))
                .build();
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response logout(@FormParam(UiSessions.CSRF_FIELD) String csrf, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        Optional<UiSession> session = ui.session(headers);
        if (session.isPresent() && !ui.validCsrf(session.get(), csrf)) {
            return ui.refusal(session.get(), 403, "Not signed out",
                    "the form's CSRF token is missing or wrong (reload the page and try again)", "/ui/jobs");
        }
        return Response.seeOther(java.net.URI.create("/ui/login"))
                .header(HttpHeaders.SET_COOKIE, sessions.clearingCookie(ui.secure(headers, uri.getRequestUri().getScheme())))
                .build();
    }
}
