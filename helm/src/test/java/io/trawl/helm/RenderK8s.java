package io.trawl.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders k8s/ from the chart: the plain manifests for kubectl users (bin/render-k8s runs this; K8sManifestsTest
 * fails when the committed files differ from a fresh render).
 *
 * <ul>
 *   <li>{@code k8s/base/}: the chart's defaults with credentials from a Secret named {@value #SECRET} that the
 *       user creates, scrape-service scaled by the CPU HPA; plain YAML plus a kustomization.
 *   <li>{@code k8s/kustomization.yaml}: the base ({@code kubectl apply -k k8s/}).
 *   <li>{@code k8s/keda/}: an overlay that replaces that HPA by the KEDA ScaledObject on trawl.tasks.
 *   <li>{@code k8s/browser/}: an overlay that adds the browser workers (scrape-browser: Deployment, ConfigMap,
 *       Service, budget and their CPU HPA) to the base.
 * </ul>
 *
 * Hooks (the `helm test` Pod) are left out: kubectl has no hooks.
 */
public final class RenderK8s {

    static final String SECRET = "trawl-credentials";

    static final Map<String, Object> BASE_VALUES = Map.of(
            "credentials.existingSecret", SECRET,
            "keda.enabled", "false",
            "autoscaling.enabled", "true");

    static final Map<String, Object> KEDA_VALUES = Map.of(
            "credentials.existingSecret", SECRET,
            "keda.enabled", "true");

    /**
     * The base with the browser workers. Their pools count in the connection budget: with them the pools can
     * open 96 connections, so this render assumes max_connections 110 (10 reserved), as the overlay says.
     */
    static final Map<String, Object> BROWSER_VALUES = Map.of(
            "credentials.existingSecret", SECRET,
            "keda.enabled", "false",
            "autoscaling.enabled", "true",
            "scrapeBrowser.enabled", "true",
            "externalDatabase.maxConnections", "110");

    static final String BROWSER_COMPONENT = "app.kubernetes.io/component: scrape-browser";

    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: trawl/templates/(\\S+)$");

    private RenderK8s() {
    }

    /** Renders into {@code root/k8s}, replacing what is there. */
    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]).toAbsolutePath().normalize() : Chart.root();
        System.setProperty("trawl.root", root.toString());
        Path k8s = root.resolve("k8s");
        Map<String, String> files = render();
        deleteYaml(k8s);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = k8s.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        System.out.println("rendered " + files.size() + " files into " + k8s);
    }

    /** Relative path under k8s/ -> content, for every file k8s/ must hold. */
    static Map<String, String> render() {
        Map<String, String> files = new TreeMap<>();
        Map<String, List<String>> base = bySource(Chart.template(List.of(), BASE_VALUES));
        base.forEach((source, docs) -> files.put("base/" + source, file(docs, BASE_VALUES)));
        files.put("base/kustomization.yaml", kustomization(base.keySet()));
        files.put("kustomization.yaml", rootKustomization());

        Map<String, List<String>> keda = bySource(Chart.template(List.of(), KEDA_VALUES));
        files.put("keda/scaledobject.yaml", file(keda.get("scaledobject.yaml"), KEDA_VALUES));
        files.put("keda/kustomization.yaml", kedaKustomization(base.get("hpa.yaml")));

        List<String> browser = new ArrayList<>();
        bySource(Chart.template(List.of(), BROWSER_VALUES)).values().forEach(docs -> docs.stream()
                .filter(doc -> doc.contains(BROWSER_COMPONENT)).forEach(browser::add));
        files.put("browser/scrape-browser.yaml", file(browser, BROWSER_VALUES));
        files.put("browser/kustomization.yaml", browserKustomization());
        return files;
    }

    /** The rendered documents grouped by the template they come from, hooks left out. */
    static Map<String, List<String>> bySource(String rendered) {
        Map<String, List<String>> bySource = new TreeMap<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (doc.isBlank() || doc.contains("helm.sh/hook")) {
                continue;
            }
            Matcher source = SOURCE.matcher(doc);
            if (!source.find()) {
                throw new IllegalStateException("a rendered document without its # Source line:\n" + doc);
            }
            String body = doc.substring(source.end()).strip() + "\n";
            bySource.computeIfAbsent(source.group(1).replace('/', '-'), k -> new ArrayList<>()).add(body);
        }
        return bySource;
    }

    private static String header(Map<String, Object> values) {
        StringBuilder header = new StringBuilder()
                .append("# Generated by bin/render-k8s from helm/trawl — do not edit.\n")
                .append("# helm template ").append(Chart.RELEASE).append(" helm/trawl");
        new TreeMap<>(values).forEach((k, v) -> header.append(" --set ").append(k).append('=').append(v));
        return header.append('\n').toString();
    }

    private static String file(List<String> docs, Map<String, Object> values) {
        if (docs == null || docs.isEmpty()) {
            throw new IllegalStateException("nothing rendered");
        }
        return header(values) + "---\n" + String.join("---\n", docs);
    }

    private static String kustomization(Iterable<String> resources) {
        StringBuilder out = new StringBuilder(header(BASE_VALUES))
                .append(USAGE)
                .append("# Create the Secret first (see docs/deploy.md), e.g.\n")
                .append("#   kubectl create secret generic ").append(SECRET)
                .append(" --from-literal=db-user=trawl --from-literal=db-password=... \\\n")
                .append("#     --from-literal=rabbitmq-user=trawl --from-literal=rabbitmq-password=... \\\n")
                .append("#     --from-literal=api-keys=KEY=TENANT --from-literal=admin-keys=ADMIN_KEY \\\n")
                .append("#     --from-literal=feed-token-secret=\"$(openssl rand -hex 32)\"\n")
                .append("# and set the Postgres and RabbitMQ hosts in the ConfigMaps (trawl.db.host, trawl.rabbitmq.host)\n")
                .append("# with a patch in an overlay of your own.\n")
                .append("apiVersion: kustomize.config.k8s.io/v1beta1\n")
                .append("kind: Kustomization\n")
                .append("resources:\n");
        for (String resource : resources) {
            out.append("  - ").append(resource).append('\n');
        }
        return out.toString();
    }

    private static final String USAGE = """
            #
            # kubectl apply -k k8s/        scrape-service scaled by an HPA on CPU (this base)
            # kubectl apply -k k8s/keda/   scrape-service scaled by KEDA on the depth of trawl.tasks
            # kubectl apply -k k8s/browser/  the base plus the browser workers (render: "browser" jobs)
            #
            """;

    private static String rootKustomization() {
        return header(BASE_VALUES)
                + USAGE
                + "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\n"
                + "resources:\n"
                + "  - base\n";
    }

    private static String kedaKustomization(List<String> hpaDocs) {
        if (hpaDocs == null || hpaDocs.size() != 1) {
            throw new IllegalStateException("expected one HPA in the base");
        }
        Map<String, Object> hpa = Chart.parse(hpaDocs.get(0)).get(0);
        return header(KEDA_VALUES)
                + "# The base with KEDA's ScaledObject instead of the HPA (KEDA creates its own).\n"
                + "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\n"
                + "resources:\n"
                + "  - ../base\n"
                + "  - scaledobject.yaml\n"
                + "patches:\n"
                + "  - patch: |-\n"
                + "      $patch: delete\n"
                + "      apiVersion: " + hpa.get("apiVersion") + "\n"
                + "      kind: " + hpa.get("kind") + "\n"
                + "      metadata:\n"
                + "        name: " + Yamls.str(hpa, "metadata.name") + "\n";
    }

    private static String browserKustomization() {
        return header(BROWSER_VALUES)
                + "# The base plus the browser workers (scrape-browser): scrape-service's image variant with Chromium\n"
                + "# (<image>:<tag>-browser, scrape-service/src/main/docker/Dockerfile.browser), TRAWL_BROWSER_ENABLED=true,\n"
                + "# scaled by a CPU HPA (the chart's scrapeBrowser.keda gives them a ScaledObject on trawl.tasks.browser).\n"
                + "# With them the pools can open 96 Postgres connections: max_connections must be at least 106.\n"
                + "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\n"
                + "resources:\n"
                + "  - ../base\n"
                + "  - scrape-browser.yaml\n";
    }

    private static void deleteYaml(Path k8s) throws IOException {
        if (!Files.isDirectory(k8s)) {
            return;
        }
        try (Stream<Path> files = Files.walk(k8s)) {
            files.filter(p -> p.toString().endsWith(".yaml")).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
