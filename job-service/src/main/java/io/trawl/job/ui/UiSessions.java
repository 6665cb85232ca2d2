package io.trawl.job.ui;

import io.quarkus.logging.Log;
import io.trawl.web.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's session cookie: issuing, reading and clearing it. HttpOnly, SameSite=Strict, Path=/ (the page's
 * script calls {@code /api/...} with it), Secure when the request came over TLS (directly or per
 * {@code X-Forwarded-Proto}). Holds tenant, role and expiry, never the API key.
 */
@ApplicationScoped
public class UiSessions {

    public static final String COOKIE = "trawl_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";
    /** The pre-session nonce of the login form (double-submit: the form carries its HMAC as {@code _csrf}). */
    public static final String LOGIN_COOKIE = "trawl_login";
    private static final long LOGIN_COOKIE_SECONDS = 3600;

    private final SessionCodec codec;
    private final Clock clock;

    public UiSessions(DashboardConfig config, Clock clock) {
        this.clock = clock;
        byte[] secret;
        Optional<String> configured = config.ui().sessionSecret().filter(s -> !s.isBlank());
        if (configured.isPresent()) {
            secret = configured.get().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalArgumentException("trawl.ui.session-secret (TRAWL_UI_SESSION_SECRET) must be at "
                        + "least 32 characters");
            }
        } else {
            Log.warn("TRAWL_UI_SESSION_SECRET is not set: dashboard sessions are signed with a random per-process "
                    + "secret and end when this process restarts; replicas do not share them");
            secret = SessionCodec.randomSecret();
        }
        this.codec = new SessionCodec(secret, config.ui().sessionTtl());
    }

    public UiSession open(Caller caller) {
        return codec.open(caller, clock.instant());
    }

    /** The valid session of these cookies, if any. */
    public Optional<UiSession> of(Map<String, Cookie> cookies) {
        Cookie cookie = cookies == null ? null : cookies.get(COOKIE);
        return cookie == null ? Optional.empty() : codec.decode(cookie.getValue(), clock.instant());
    }

    public String csrfToken(UiSession session) {
        return codec.csrfToken(session);
    }

    public boolean validCsrf(UiSession session, String token) {
        return codec.validCsrf(session, token);
    }

    /** The login form's nonce: the one its cookie already carries (other tabs keep working), or a new one. */
    public String loginNonce(Map<String, Cookie> cookies) {
        Cookie cookie = cookies == null ? null : cookies.get(LOGIN_COOKIE);
        return cookie != null && SessionCodec.isLoginNonce(cookie.getValue()) ? cookie.getValue()
                : SessionCodec.loginNonce();
    }

    public String loginCsrfToken(String nonce) {
        return codec.loginCsrfToken(nonce);
    }

    /** Whether the login POST carries the cookie's nonce and its token (a cross-site form has neither). */
    public boolean validLoginCsrf(Map<String, Cookie> cookies, String token) {
        Cookie cookie = cookies == null ? null : cookies.get(LOGIN_COOKIE);
        return cookie != null && codec.validLoginCsrf(cookie.getValue(), token);
    }

    /** The Set-Cookie value that holds the login form's nonce (only the login route sees it). */
    public String loginCookie(String nonce, boolean secure) {
        return LOGIN_COOKIE + "=" + nonce + "; Path=/ui/login; Max-Age=" + LOGIN_COOKIE_SECONDS
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that drops the login form's nonce once signed in. */
    public String clearingLoginCookie(boolean secure) {
        return LOGIN_COOKIE + "=; Path=/ui/login; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that starts {@code session}. */
    public String cookie(UiSession session, boolean secure) {
        return COOKIE + "=" + codec.encode(session) + "; Path=/; Max-Age=" + codec.ttl().toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that ends the session in the browser. */
    public String clearingCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Whether the request came over TLS (directly or through a proxy that says so). */
    public static boolean secure(String scheme, String forwardedProto) {
        return "https".equalsIgnoreCase(scheme)
                || (forwardedProto != null && forwardedProto.split(",")[0].strip().equalsIgnoreCase("https"));
    }
}
