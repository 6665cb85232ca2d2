package io.trawl.job.ui;

import io.quarkus.qute.TemplateInstance;
import io.trawl.support.Refusal;
import io.trawl.web.RefusalMapper;
import io.trawl.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** What every dashboard page needs: the session, the page frame, redirects, refusals. */
@ApplicationScoped
public class UiSupport {

    private static final String[] ASSETS = {"META-INF/resources/ui/static/app.js",
        "META-INF/resources/ui/static/app.css"};

    private final UiSessions sessions;
    private final String feedUrl;
    private final String assetVersion;

    public UiSupport(UiSessions sessions, DashboardConfig config) {
        this.sessions = sessions;
        this.feedUrl = config.feedUrl().strip().replaceAll("/+$", "");
        this.assetVersion = assetVersion();
    }

    public Optional<UiSession> session(HttpHeaders headers) {
        return sessions.of(headers.getCookies());
    }

    /** The tenant a page acts on: a tenant session's own; an admin's {@code ?tenant=} or every tenant (empty). */
    public static Optional<String> scope(UiSession session, String tenantParam) {
        if (!session.isAdmin()) {
            return Optional.of(session.tenant());
        }
        return tenantParam == null || tenantParam.isBlank() ? Optional.empty() : Optional.of(tenantParam.strip());
    }

    public UiViews.Chrome chrome(UiSession session, String title, String nav, String flash) {
        String who = session == null ? "" : session.isAdmin() ? "admin (every tenant)"
                : session.tenant() + (session.canWrite() ? "" : " (viewer)");
        return new UiViews.Chrome(title, nav, session == null ? "" : sessions.csrfToken(session), who,
                session != null, session != null && session.canWrite(), session != null && session.isAdmin(),
                feedUrl, assetVersion, flash == null ? "" : flash);
    }

    public boolean validCsrf(UiSession session, String token) {
        return sessions.validCsrf(session, token);
    }

    /** 303 to the login page, coming back to {@code next} afterwards. */
    public static Response toLogin(String next) {
        return Response.seeOther(URI.create("/ui/login" + (next == null ? "" : "?next=" + encode(next)))).build();
    }

    public static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    public static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page).build();
    }

    /** A page saying why a request was refused (403 for a missing CSRF token or a viewer, 404, 409...). */
    public Response refusal(UiSession session, int status, String heading, String detail, String back) {
        return html(status, UiTemplates.message(chrome(session, heading, "", null), heading, detail,
                back == null ? "/ui/jobs" : back));
    }

    /** Why a change is refused to this session: null when it may go ahead. */
    public String refusalOf(UiSession session, String csrf) {
        if (!validCsrf(session, csrf)) {
            return "the form's CSRF token is missing or wrong (reload the page and try again)";
        }
        if (!session.canWrite()) {
            return "this key has the viewer role: it may read, not change";
        }
        return null;
    }

    /**
     * A service's {@link Refusal} as the {@link ProblemException} it is at the REST edge, so a page can explain it
     * in words (its status and message); any other failure unchanged.
     */
    public static Throwable asProblem(Throwable failure) {
        return failure instanceof Refusal refusal ? RefusalMapper.problem(refusal) : failure;
    }

    public static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** A relative dashboard path to return to after login; anything else (another site) becomes /ui/jobs. */
    public static String safeNext(String next) {
        if (next == null || !next.startsWith("/ui") || next.startsWith("//") || next.contains("\\")
                || next.contains("\n") || next.contains("\r")) {
            return "/ui/jobs";
        }
        return next;
    }

    public boolean secure(HttpHeaders headers, String scheme) {
        return UiSessions.secure(scheme, headers.getHeaderString("X-Forwarded-Proto"));
    }

    private static String assetVersion() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String asset : ASSETS) {
                try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(asset)) {
                    if (in != null) {
                        digest.update(in.readAllBytes());
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "0";
        }
    }
}
