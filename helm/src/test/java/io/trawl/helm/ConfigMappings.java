package io.trawl.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * unless {@code @WithName} says otherwise; a group interface may extend interfaces of the service or of
 * {@code service-support} (the shared connection groups), whose methods it inherits. Enough for the shape our
 * mappings have; not a Java parser.
 */
final class ConfigMappings {

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"[^)]*\\)");
    private static final Pattern INTERFACE = Pattern.compile(
            "\\binterface\\s+(\\w+)(?:\\s+extends\\s+([\\w\\s,.]+?))?\\s*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\s*\\([^)]*\\))?\\s*)*)([\\w.]+(?:\\s*<[^;()]*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");

    /** Marks the super-interfaces appended to a body (not Java, so no method pattern matches it). */
    private static final String EXTENDS = "#extends ";

    private ConfigMappings() {
    }

    static Set<String> of(String component) {
        Path sources = Chart.root().resolve(component).resolve("src/main/java");
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(sources)) {
            return names;
        }
        Map<String, String> bodies = new HashMap<>();
        List<String> mappings = new ArrayList<>();
        for (Path root : List.of(Chart.root().resolve("service-support/src/main/java"), sources)) {
            for (String source : sourcesUnder(root)) {
                bodies.putAll(interfaceBodies(source));
                if (root.equals(sources) && MAPPING.matcher(source).find()) {
                    mappings.add(source);
                }
            }
        }
        for (String source : mappings) {
            Matcher mapping = MAPPING.matcher(source);
            mapping.find();
            Matcher root = INTERFACE.matcher(source);
            if (root.find(mapping.end())) {
                collect(root.group(1), mapping.group(1), bodies, names, 0);
            }
        }
        return names;
    }

    private static List<String> sourcesUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            List<String> sources = new ArrayList<>();
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.add(stripComments(Files.readString(file)));
            }
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(String type, String prefix, Map<String, String> bodies, Set<String> names, int depth) {
        if (depth > 10) {
            throw new IllegalStateException("config mapping nested too deep at " + prefix);
        }
        String body = bodies.get(type);
        Matcher parents = Pattern.compile(Pattern.quote(EXTENDS) + "([^;]+);").matcher(body);
        while (parents.find()) {
            for (String parent : parents.group(1).split(",")) {
                String simple = parent.trim().replaceAll("^.*\\.", "");
                if (bodies.containsKey(simple)) {
                    collect(simple, prefix, bodies, names, depth + 1);
                }
            }
        }
        Matcher method = METHOD.matcher(body);
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
            String body = own.toString().replaceAll("\\binterface\\s+\\w+(\\s+extends\\s+[\\w\\s,.]+?)?(?=\\s)", " ");
            if (declaration.group(2) != null) {
                body = body + " " + EXTENDS + declaration.group(2).trim() + ";";
            }
            bodies.put(declaration.group(1), body);
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
