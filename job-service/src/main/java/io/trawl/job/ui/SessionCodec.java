package io.trawl.job.ui;

import io.trawl.web.Caller;
import io.trawl.web.Role;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless dashboard sessions: the cookie is {@code base64url(v1|tenant|role|expiry|nonce).base64url(HMAC-SHA256)}
 * so any replica holding the secret verifies it without a store. The CSRF token is an HMAC of the session's
 * nonce: it changes with every login and cannot be made without the secret. Pure, no framework.
 */
public final class SessionCodec {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALL = "*";

    private final byte[] secret;
    private final Duration ttl;

    public SessionCodec(byte[] secret, Duration ttl) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the session secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        this.ttl = ttl;
    }

    /** A random secret, for a process that was given none. */
    public static byte[] randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A new session for {@code caller} starting at {@code now}. */
    public UiSession open(Caller caller, Instant now) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new UiSession(caller, now.plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                B64.encodeToString(nonce));
    }

    public Duration ttl() {
        return ttl;
    }

    /** The cookie value of a session. */
    public String encode(UiSession session) {
        Caller c = session.caller();
        String payload = "v1|" + (c.isAdmin() ? ALL : c.tenant()) + "|" + c.role().wireName() + "|"
                + session.expiresAt().getEpochSecond() + "|" + session.nonce();
        String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(hmac("session|" + body));
    }

    /** The session a cookie value carries, if its signature is ours and it has not expired at {@code now}. */
    public Optional<UiSession> decode(String cookie, Instant now) {
        if (cookie == null || cookie.length() > 512) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot <= 0 || dot != cookie.lastIndexOf('.')) {
            return Optional.empty();
        }
        String body = cookie.substring(0, dot);
        try {
            byte[] signature = B64D.decode(cookie.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, hmac("session|" + body))) {
                return Optional.empty();
            }
            String[] parts = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 5 || !parts[0].equals("v1")) {
                return Optional.empty();
            }
            Role role = Role.valueOf(parts[2].toUpperCase(Locale.ROOT));
            Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (!now.isBefore(expires)) {
                return Optional.empty();
            }
            Caller caller = role == Role.ADMIN ? Caller.admin() : new Caller(parts[1], role);
            if (caller.isAdmin() != ALL.equals(parts[1])) {
                return Optional.empty();
            }
            return Optional.of(new UiSession(caller, expires, parts[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A fresh random nonce for the login form's CSRF cookie (before there is a session). */
    public static String loginNonce() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return B64.encodeToString(nonce);
    }

    /** Whether {@code nonce} has the shape {@link #loginNonce()} gives (what a cookie may carry back). */
    public static boolean isLoginNonce(String nonce) {
        return nonce != null && nonce.matches("[A-Za-z0-9_-]{22}");
    }

    /**
     * The login form's CSRF token for the pre-session nonce in its cookie: an HMAC, so a page on another site can
     * neither read it nor make it for a nonce it planted.
     */
    public String loginCsrfToken(String nonce) {
        return B64.encodeToString(hmac("login-csrf|" + nonce));
    }

    /** Whether {@code token} is the login CSRF token of the cookie's {@code nonce} (constant time). */
    public boolean validLoginCsrf(String nonce, String token) {
        return isLoginNonce(nonce) && token != null && MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), loginCsrfToken(nonce).getBytes(StandardCharsets.UTF_8));
    }

    /** The CSRF token of a session (what forms and the page's script send back). */
    public String csrfToken(UiSession session) {
        return B64.encodeToString(hmac("csrf|" + session.nonce()));
    }

    /** Whether {@code token} is the session's CSRF token (constant time). */
    public boolean validCsrf(UiSession session, String token) {
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                csrfToken(session).getBytes(StandardCharsets.UTF_8));
    }

    private byte[] hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
