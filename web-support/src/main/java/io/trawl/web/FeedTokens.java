package io.trawl.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived feed tokens (DESIGN.md §7): job-service mints them for the dashboard's browser, event-service
 * accepts them wherever it accepts an API key. A token says which tenant it may read (or every tenant, for an
 * admin) and until when; it is signed with HMAC-SHA256 under {@code TRAWL_FEED_TOKEN_SECRET}, which both
 * services share, so event-service verifies it without asking anyone. A feed token only reads: whoever holds
 * one gets {@link Role#VIEWER} on its tenant (or {@link Role#ADMIN} on the feed of every tenant).
 *
 * <p>Format: {@code ft1.<base64url(expiresAtEpochSeconds:scope)>.<base64url(HMAC-SHA256 of "ft1.<payload>")>},
 * where {@code scope} is {@code t=<tenant>} or {@code *} (every tenant). Pure: time is a parameter.
 */
public final class FeedTokens {

    /** Shortest accepted secret: 32 characters (a 256-bit HMAC key wants at least that much entropy). */
    public static final int MIN_SECRET_LENGTH = 32;
    static final String PREFIX = "ft1.";
    private static final String ALL_TENANTS = "*";
    private static final String TENANT = "t=";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** A minted token and the instant it stops being accepted. */
    public record Minted(String token, Instant expiresAt) {
    }

    private final SecretKeySpec key;

    private FeedTokens(SecretKeySpec key) {
        this.key = key;
    }

    /** Tokens signed with {@code secret}; an {@link IllegalArgumentException} if it is shorter than 32 characters. */
    public static FeedTokens withSecret(String secret) {
        if (secret == null || secret.strip().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("TRAWL_FEED_TOKEN_SECRET must be at least " + MIN_SECRET_LENGTH
                    + " characters (e.g. openssl rand -hex 32)");
        }
        return new FeedTokens(new SecretKeySpec(secret.strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** No secret configured: {@link #enabled()} is false, nothing can be minted and no token verifies. */
    public static FeedTokens disabled() {
        return new FeedTokens(null);
    }

    public boolean enabled() {
        return key != null;
    }

    /**
     * A token reading the feed of {@code tenant} ({@code null}: every tenant, for admins) until {@code now + ttl}
     * (whole seconds, rounded down).
     */
    public Minted mint(String tenant, Instant now, Duration ttl) {
        if (!enabled()) {
            throw new IllegalStateException("no feed token secret is configured");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        Instant expiresAt = Instant.ofEpochSecond(now.plus(ttl).getEpochSecond());
        String scope = tenant == null ? ALL_TENANTS : TENANT + tenant;
        String signed = PREFIX + ENCODER.encodeToString(
                (expiresAt.getEpochSecond() + ":" + scope).getBytes(StandardCharsets.UTF_8));
        return new Minted(signed + "." + ENCODER.encodeToString(sign(signed)), expiresAt);
    }

    /**
     * Who a token is: a viewer of its tenant, or an admin for an every-tenant token; empty when the token is
     * malformed, its signature is not ours (tampered, or signed under another secret) or it expired
     * ({@code now >= expiresAt}).
     */
    public Optional<Caller> verify(String token, Instant now) {
        if (!enabled() || token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            return Optional.empty();
        }
        String signed = token.substring(0, dot);
        byte[] signature;
        String payload;
        try {
            signature = DECODER.decode(token.substring(dot + 1));
            payload = new String(DECODER.decode(signed.substring(PREFIX.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(sign(signed), signature)) {
            return Optional.empty();
        }
        int colon = payload.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(payload.substring(0, colon));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (now.getEpochSecond() >= expires) {
            return Optional.empty();
        }
        String scope = payload.substring(colon + 1);
        if (scope.equals(ALL_TENANTS)) {
            return Optional.of(Caller.admin());
        }
        if (scope.startsWith(TENANT) && scope.length() > TENANT.length()) {
            return Optional.of(new Caller(scope.substring(TENANT.length()), Role.VIEWER));
        }
        return Optional.empty();
    }

    /** Whether a credential has the shape of a feed token (so it is not looked up as an API key). */
    public static boolean looksLikeToken(String credential) {
        return credential != null && credential.startsWith(PREFIX);
    }

    private byte[] sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
