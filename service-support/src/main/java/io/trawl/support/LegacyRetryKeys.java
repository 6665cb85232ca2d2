package io.trawl.support;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Keeps a service's old retry keys working for one release: {@code trawl.retry.backoff-*} falls back to
 * {@code <legacy prefix>backoff-*} (e.g. {@code trawl.reaper.backoff-base}, env TRAWL_REAPER_BACKOFF_BASE) and
 * logs a warning naming the new key. The old key wins only when it is set in a stronger source than the new
 * one (the {@code @WithDefault} of the new key is the weakest), so a configuration that sets the new key is
 * never overridden. A service registers its subclass in {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
public abstract class LegacyRetryKeys implements ConfigSourceInterceptor {

    private static final Logger LOG = Logger.getLogger(LegacyRetryKeys.class.getName());
    private static final String PREFIX = "trawl.retry.";
    private static final Set<String> KEYS = Set.of("backoff-base", "backoff-max", "backoff-jitter");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String legacyPrefix;

    /** {@code legacyPrefix}: where the service's old keys lived, e.g. {@code "trawl.reaper."}. */
    protected LegacyRetryKeys(String legacyPrefix) {
        this.legacyPrefix = legacyPrefix;
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!name.startsWith(PREFIX) || !KEYS.contains(name.substring(PREFIX.length()))) {
            return value;
        }
        String legacyName = legacyPrefix + name.substring(PREFIX.length());
        ConfigValue legacy = context.proceed(legacyName);
        if (legacy == null || legacy.getValue() == null
                || value != null && value.getConfigSourceOrdinal() >= legacy.getConfigSourceOrdinal()) {
            return value;
        }
        if (WARNED.add(legacyName)) {
            LOG.warning(legacyName + " is deprecated and will be removed in the next release; set " + name
                    + " (env " + envName(name) + ") instead");
        }
        return legacy.withName(name);
    }

    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }
}
