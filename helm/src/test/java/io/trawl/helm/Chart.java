package io.trawl.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart under helm/trawl, rendered with the embedded Helm of helm-java (no cluster, no helm binary). */
final class Chart {

    /** Release name used for every render, and for k8s/. */
    static final String RELEASE = "trawl";

    /**
     * Kubernetes version the renders assume: the oldest the chart supports (Chart.yaml kubeVersion). The
     * embedded Helm would otherwise assume v1.20, which the chart rejects.
     */
    static final String KUBE_VERSION = "v1.30.0";

    private Chart() {
    }

    /** The repository's root (the Maven module is helm/). */
    static Path root() {
        String configured = System.getProperty("trawl.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static Path chartDir() {
        return root().resolve("helm/trawl");
    }

    static Helm helm() {
        return new Helm(chartDir());
    }

    /** {@code helm template trawl helm/trawl} with the scenario's values files and --set values. */
    static String template(Scenario scenario) {
        return template(scenario.valuesFiles(), scenario.setValues());
    }

    static String template(List<String> valuesFiles, Map<String, Object> values) {
        TemplateCommand command = helm().template().withName(RELEASE).withNamespace("trawl")
                .withKubeVersion(KUBE_VERSION);
        for (String file : valuesFiles) {
            command.withValuesFile(chartDir().resolve(file));
        }
        values.forEach(command::set);
        return command.call();
    }

    /**
     * Like {@link #template(Scenario)}, plus the hook resources (the `helm test` Pod). helm-java's template
     * returns the release manifest only (the helm CLI appends the hooks itself), so this renders a copy of the
     * chart whose hook annotations are removed: the hooks then render as ordinary manifests.
     */
    static String templateWithHooks(Scenario scenario) {
        TemplateCommand command = new Helm(chartCopyWithoutHooks()).template().withName(RELEASE)
                .withNamespace("trawl").withKubeVersion(KUBE_VERSION);
        for (String file : scenario.valuesFiles()) {
            command.withValuesFile(chartDir().resolve(file));
        }
        scenario.setValues().forEach(command::set);
        return command.call();
    }

    /** The hook annotations of a template (kept out of {@link #templateWithHooks}' copy). */
    static final String HOOK_ANNOTATION = "helm.sh/hook";

    private static Path hooklessCopy;
    private static Path notesCopy;

    private static synchronized Path chartCopyWithoutHooks() {
        if (hooklessCopy == null) {
            hooklessCopy = copyChart("trawl-chart-hooks", (file, text) ->
                    file.getParent().endsWith("tests") ? text.lines()
                            .filter(line -> !line.contains(HOOK_ANNOTATION + ":") && !line.strip().equals("annotations:"))
                            .collect(Collectors.joining("\n", "", "\n")) : text);
        }
        return hooklessCopy;
    }

    /**
     * What `helm install` prints (templates/NOTES.txt) for these values. Neither template nor lint return it, so
     * a copy of the chart carries NOTES.txt as a named template and renders it into a ConfigMap.
     */
    static String notes(Map<String, Object> values) {
        Path copy;
        synchronized (Chart.class) {
            if (notesCopy == null) {
                notesCopy = copyChart("trawl-chart-notes", (file, text) -> text);
                try {
                    String notes = Files.readString(notesCopy.resolve("templates/NOTES.txt"));
                    Files.delete(notesCopy.resolve("templates/NOTES.txt"));
                    Files.writeString(notesCopy.resolve("templates/_notes.tpl"),
                            "{{- define \"test.notes\" -}}\n" + notes + "{{- end }}\n");
                    Files.writeString(notesCopy.resolve("templates/test-notes.yaml"), """
                            apiVersion: v1
                            kind: ConfigMap
                            metadata:
                              name: test-notes
                            data:
                              NOTES.txt: {{ include "test.notes" . | quote }}
                            """);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            copy = notesCopy;
        }
        TemplateCommand command = new Helm(copy).template().withName(RELEASE).withNamespace("trawl")
                .withKubeVersion(KUBE_VERSION);
        values.forEach(command::set);
        return parse(command.call()).stream()
                .filter(d -> "test-notes".equals(Yamls.str(d, "metadata.name")))
                .map(d -> (String) Yamls.map(d, "data").get("NOTES.txt"))
                .findFirst().orElseThrow();
    }

    private static Path copyChart(String prefix, java.util.function.BiFunction<Path, String, String> edit) {
        try {
            Path copy = Files.createTempDirectory(prefix);
            Path source = chartDir();
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.sorted().toList()) {
                    Path to = copy.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else if (file.toString().endsWith(".yaml") && file.startsWith(source.resolve("templates"))) {
                        Files.writeString(to, edit.apply(file, Files.readString(file)));
                    } else {
                        Files.copy(file, to);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty YAML document of a multi-document stream. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml parser = new Yaml(new SafeConstructor(options));
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : parser.loadAll(yaml)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /** A rendered release: its manifests, with look-ups by kind and name. */
    record Rendered(String yaml, List<Map<String, Object>> docs) {

        /** The scenario's manifests, the `helm test` Pod included. */
        static Rendered of(Scenario scenario) {
            String yaml = templateWithHooks(scenario);
            return new Rendered(yaml, parse(yaml));
        }

        List<Map<String, Object>> ofKind(String kind) {
            return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        }

        Optional<Map<String, Object>> find(String kind, String name) {
            return ofKind(kind).stream().filter(named(name)).findFirst();
        }

        Map<String, Object> get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in\n" + yaml));
        }

        static Predicate<Map<String, Object>> named(String name) {
            return d -> Objects.equals(name, Yamls.str(d, "metadata.name"));
        }
    }
}
