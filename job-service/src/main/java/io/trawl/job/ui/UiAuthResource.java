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
 * Signing in and out of the dashboard. Login is a POST form (the key never appears in a URL) protected against
 * login CSRF by a double-submit nonce: the page sets it in an HttpOnly, SameSite=Strict cookie and puts its HMAC
 * in the form. The key is checked like a Bearer key and the browser gets a session cookie holding tenant, role and
 * expiry only.
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
    public Response loginPage(@QueryParam("next") String next, @Context HttpHeaders headers, @Context UriInfo uri) {
        return loginForm(200, next, "", headers, uri);
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response login(@FormParam("key") String key, @FormParam("next") String next,
            @FormParam(UiSessions.CSRF_FIELD) String csrf, @Context HttpHeaders headers, @Context UriInfo uri) {
        if (!sessions.validLoginCsrf(headers.getCookies(), csrf)) {
            // A login CSRF (another site signing this browser in to the attacker's tenant) has neither the
            // cookie's nonce nor its HMAC; nor has a form left open past the cookie's hour: a fresh form.
            return loginForm(403, next, "The sign-in form expired or did not come from this site; sign in again.",
                    headers, uri);
        }
        Optional<Caller> caller = keys.callerOf(key == null ? null : key.strip());
        if (caller.isEmpty()) {
            return loginForm(401, next, "That API key is not known.", headers, uri);
        }
        UiSession session = sessions.open(caller.get());
        boolean secure = ui.secure(headers, uri.getRequestUri().getScheme());
        return Response.seeOther(java.net.URI.create(UiSupport.safeNext(next)))
                .header(HttpHeaders.SET_COOKIE, sessions.cookie(session, secure))
                .header(HttpHeaders.SET_COOKIE, sessions.clearingLoginCookie(secure))
                .build();
    }

    /** The login page, with the CSRF nonce cookie and the form's token of that nonce. */
    private Response loginForm(int status, String next, String error, HttpHeaders headers, UriInfo uri) {
        String nonce = sessions.loginNonce(headers.getCookies());
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(UiTemplates.login(ui.chrome(null, "Sign in", "login", null), UiSupport.safeNext(next), error,
                        sessions.loginCsrfToken(nonce)))
                .header(HttpHeaders.SET_COOKIE,
                        sessions.loginCookie(nonce, ui.secure(headers, uri.getRequestUri().getScheme())))
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
