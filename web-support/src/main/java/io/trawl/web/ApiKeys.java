package io.trawl.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys of {@code TRAWL_API_KEYS} ({@code key=tenant,key2=tenant2}): which tenant a bearer token
 * belongs to. Keys are held as SHA-256 digests, looked up by digest, so a lookup's time does not depend
 * on how much of a guessed key matches.
 */
public final class ApiKeys {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Map<String, String> tenantByDigest;

    private ApiKeys(Map<String, String> tenantByDigest) {
        this.tenantByDigest = Map.copyOf(tenantByDigest);
    }

    /** Parses {@code key=tenant,...}; throws {@link IllegalArgumentException} naming a bad entry. */
    public static ApiKeys parse(String config) {
        Map<String, String> map = new HashMap<>();
        if (config != null) {
            for (String entry : config.split(",")) {
                String trimmed = entry.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int eq = trimmed.lastIndexOf('=');
                if (eq <= 0 || eq == trimmed.length() - 1) {
                    throw new IllegalArgumentException("TRAWL_API_KEYS entries are key=tenant; bad entry #"
                            + (map.size() + 1));
                }
                String tenant = trimmed.substring(eq + 1).strip();
                if (!TENANT.matcher(tenant).matches()) {
                    throw new IllegalArgumentException("TRAWL_API_KEYS: invalid tenant name '" + tenant + "'");
                }
                map.put(digest(trimmed.substring(0, eq).strip()), tenant);
            }
        }
        return new ApiKeys(map);
    }

    public Optional<String> tenantOf(String key) {
        return key == null || key.isEmpty() ? Optional.empty() : Optional.ofNullable(tenantByDigest.get(digest(key)));
    }

    /** The tenant of an {@code Authorization} header value ({@code Bearer <key>}), if the key is known. */
    public Optional<String> tenantOfAuthorization(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return tenantOf(header.substring(7).strip());
    }

    public boolean isEmpty() {
        return tenantByDigest.isEmpty();
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
