package io.trawl.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys of {@code TRAWL_API_KEYS} ({@code key=tenant,key2=tenant2:viewer}) and {@code TRAWL_ADMIN_KEYS}
 * ({@code key,key2}): who a bearer token is. Keys are held as SHA-256 digests, looked up by digest, so a
 * lookup's time does not depend on how much of a guessed key matches.
 */
public final class ApiKeys {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, Caller> callerByDigest;

    private ApiKeys(Map<String, Caller> callerByDigest) {
        this.callerByDigest = Map.copyOf(callerByDigest);
    }

    /** Parses {@code key=tenant[:role],...}; throws {@link IllegalArgumentException} naming a bad entry. */
    public static ApiKeys parse(String config) {
        return parse(config, null);
    }

    /**
     * Parses tenant keys ({@code key=tenant[:role]}, role {@code tenant} (default) or {@code viewer}) and admin
     * keys ({@code key,key2}); throws {@link IllegalArgumentException} naming a bad entry (never the key).
     */
    public static ApiKeys parse(String tenantKeys, String adminKeys) {
        Map<String, Caller> map = new HashMap<>();
        int n = 0;
        for (String entry : entries(tenantKeys)) {
            n++;
            int eq = entry.lastIndexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("TRAWL_API_KEYS entries are key=tenant or key=tenant:viewer; "
                        + "bad entry #" + n);
            }
            put(map, entry.substring(0, eq).strip(), caller(entry.substring(eq + 1).strip()), "TRAWL_API_KEYS", n);
        }
        n = 0;
        for (String key : entries(adminKeys)) {
            n++;
            put(map, key, Caller.admin(), "TRAWL_ADMIN_KEYS", n);
        }
        return new ApiKeys(map);
    }

    private static Caller caller(String value) {
        int colon = value.indexOf(':');
        String tenant = colon < 0 ? value : value.substring(0, colon).strip();
        String role = colon < 0 ? "tenant" : value.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("TRAWL_API_KEYS: invalid tenant name '" + tenant + "'");
        }
        return switch (role) {
            case "tenant" -> new Caller(tenant, Role.TENANT);
            case "viewer" -> new Caller(tenant, Role.VIEWER);
            default -> throw new IllegalArgumentException("TRAWL_API_KEYS: unknown role '" + role
                    + "' for tenant '" + tenant + "' (tenant or viewer; admin keys go in TRAWL_ADMIN_KEYS)");
        };
    }

    private static void put(Map<String, Caller> map, String key, Caller caller, String source, int n) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException(source + ": empty key in entry #" + n);
        }
        if (map.putIfAbsent(digest(key), caller) != null) {
            throw new IllegalArgumentException(source + ": entry #" + n + " repeats a key already configured");
        }
    }

    private static Iterable<String> entries(String config) {
        if (config == null) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(config.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Who a key is, if it is known. */
    public Optional<Caller> callerOf(String key) {
        return key == null || key.isEmpty() ? Optional.empty() : Optional.ofNullable(callerByDigest.get(digest(key)));
    }

    /** Who an {@code Authorization} header value ({@code Bearer <key>}) is, if the key is known. */
    public Optional<Caller> callerOfAuthorization(String header) {
        return bearer(header).flatMap(this::callerOf);
    }

    /** The tenant of a tenant or viewer key (empty for unknown and admin keys). */
    public Optional<String> tenantOf(String key) {
        return callerOf(key).map(Caller::tenant);
    }

    /** The tenant of an {@code Authorization} header value ({@code Bearer <key>}), if a tenant key. */
    public Optional<String> tenantOfAuthorization(String header) {
        return bearer(header).flatMap(this::tenantOf);
    }

    /** The token of a {@code Bearer <token>} header value. */
    public static Optional<String> bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).strip());
    }

    public boolean isEmpty() {
        return callerByDigest.isEmpty();
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
