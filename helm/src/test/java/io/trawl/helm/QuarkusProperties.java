package io.trawl.helm;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration properties a service names: in its src/main/resources/application.properties every key
 * (without its %profile. prefix) and every property referenced as ${name} or ${name:default} in a value, plus
 * the keys of its {@code @ConfigMapping} interfaces (see {@link ConfigMappings}), and, for a service on web-support,
 * the keys of web-support's mapping ({@code trawl.api-keys}, {@code trawl.admin-keys}). Read at test time, so a
 * renamed property fails the chart's tests instead of being silently ignored.
 */
final class QuarkusProperties {

    private static final Pattern PROFILE = Pattern.compile("^%[^.]+\\.");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}:$]+)(?::[^}]*)?}");

    private final String component;
    private final Properties raw;
    private final Set<String> names;

    private QuarkusProperties(String component, Properties raw, Set<String> names) {
        this.component = component;
        this.raw = raw;
        this.names = names;
    }

    static Path file(String component) {
        return Chart.root().resolve(component).resolve("src/main/resources/application.properties");
    }

    static QuarkusProperties of(String component) {
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(file(component), StandardCharsets.UTF_8)) {
            raw.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> names = new TreeSet<>();
        for (String key : raw.stringPropertyNames()) {
            names.add(PROFILE.matcher(key).replaceFirst(""));
            Matcher reference = REFERENCE.matcher(raw.getProperty(key));
            while (reference.find()) {
                names.add(reference.group(1).trim());
            }
        }
        names.addAll(ConfigMappings.of(component));
        if (dependsOnWebSupport(component)) {
            names.addAll(ConfigMappings.of("web-support"));
        }
        return new QuarkusProperties(component, raw, names);
    }

    /** Whether the service's pom names web-support, whose own mapping ({@code ApiKeysConfig}) has the API keys. */
    private static boolean dependsOnWebSupport(String component) {
        try {
            return Files.readString(Chart.root().resolve(component).resolve("pom.xml"))
                    .contains("<artifactId>trawl-web-support</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String component() {
        return component;
    }

    Set<String> names() {
        return names;
    }

    /** The value of a key in the default profile, as written (no expansion). */
    Optional<String> value(String key) {
        return Optional.ofNullable(raw.getProperty(key));
    }

    /** The property whose environment variable this is, if the service names one. */
    Optional<String> byEnvName(String variable) {
        return names.stream().filter(n -> envName(n).equals(variable)).findFirst();
    }

    /**
     * The environment variable Quarkus (SmallRye Config) reads a property from: each character that is not a
     * letter or digit becomes an underscore, then everything is upper-cased.
     */
    static String envName(String property) {
        StringBuilder out = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
