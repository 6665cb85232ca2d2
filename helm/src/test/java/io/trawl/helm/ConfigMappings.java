package io.trawl.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The property names a service's {@code @ConfigMapping} interfaces declare (e.g. job-service's TrawlConfig:
 * {@code trawl.db.host}, {@code trawl.dispatcher.batch-size}), read from the Java sources: a group method
 * returns another interface of the mapping, a leaf method a value; names are the method names in kebab case
 * unless {@code @WithName} says otherwise. Enough for the shape our mappings have; not a Java parser.
 */
final class ConfigMappings {

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"[^)]*\\)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\s*\\([^)]*\\))?\\s*)*)([\\w.]+(?:\\s*<[^;()]*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");

    private ConfigMappings() {
    }

    static Set<String> of(String component) {
        Path sources = Chart.root().resolve(component).resolve("src/main/java");
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(sources)) {
            return names;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = stripComments(Files.readString(file));
                Matcher mapping = MAPPING.matcher(source);
                if (mapping.find()) {
                    Map<String, String> bodies = interfaceBodies(source);
                    Matcher root = INTERFACE.matcher(source);
                    if (root.find(mapping.end())) {
                        collect(root.group(1), mapping.group(1), bodies, names, 0);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static void collect(String type, String prefix, Map<String, String> bodies, Set<String> names, int depth) {
        if (depth > 10) {
            throw new IllegalStateException("config mapping nested too deep at " + prefix);
        }
        Matcher method = METHOD.matcher(bodies.get(type));
        while (method.find()) {
            Matcher withName = WITH_NAME.matcher(method.group(1));
            String name = withName.find() ? withName.group(1) : kebab(method.group(3));
            String returned = method.group(2).replaceAll("\\s", "");
            String element = returned.replaceAll("^(Optional|List|Set)<(.+)>$", "$2")
                    .replaceAll("^Map<[^,]+,(.+)>$", "$1");
            if (bodies.containsKey(element)) {
                collect(element, prefix + "." + name, bodies, names, depth + 1);
            } else {
                names.add(prefix + "." + name);
            }
        }
    }

    /** Interface name -> its body without the bodies of interfaces nested in it. */
    private static Map<String, String> interfaceBodies(String source) {
        Map<String, String> bodies = new HashMap<>();
        Matcher declaration = INTERFACE.matcher(source);
        while (declaration.find()) {
            int open = declaration.end() - 1;
            int close = matchingBrace(source, open);
            StringBuilder own = new StringBuilder();
            int depth = 0;
            for (int i = open + 1; i < close; i++) {
                char c = source.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                } else if (depth == 0) {
                    own.append(c);
                }
            }
            // A nested interface's header stays behind without its body: drop it.
            bodies.put(declaration.group(1), own.toString().replaceAll("\\binterface\\s+\\w+", " "));
        }
        return bodies;
    }

    private static int matchingBrace(String source, int open) {
        int depth = 0;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced braces");
    }

    private static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }

    /** batchSize -> batch-size, as SmallRye names mapping methods. */
    static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
