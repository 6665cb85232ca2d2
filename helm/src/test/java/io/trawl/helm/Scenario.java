package io.trawl.helm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The value sets the chart is rendered with in the tests: each one a `helm template` a user would run. */
enum Scenario {
    /** values.yaml alone: no cluster to look at, so KEDA "auto" is off and the CPU HPA is on. */
    DEFAULTS(List.of()),
    /** KEDA forced on (GitOps render where the chart cannot see the cluster). */
    KEDA_ON(List.of(), "keda.enabled", "true", "keda.maxReplicaCount", "8", "keda.queueLength", "25"),
    /** KEDA off: the HPA on CPU scales scrape-service. */
    KEDA_OFF_HPA(List.of(), "keda.enabled", "false", "autoscaling.enabled", "true", "autoscaling.maxReplicas", "6"),
    /** Neither KEDA nor HPA: a fixed worker count. */
    FIXED_WORKERS(List.of(), "keda.enabled", "false", "autoscaling.enabled", "false", "scrapeService.replicaCount", "3"),
    /** Native images. */
    NATIVE(List.of("values-native.yaml")),
    /** Credentials from a Secret the user manages. */
    EXISTING_SECRET(List.of(), "credentials.existingSecret", "trawl-credentials"),
    /** The Ingress with TLS. */
    INGRESS(List.of(), "ingress.enabled", "true", "ingress.className", "nginx",
            "ingress.hosts[0]", "trawl.example.com",
            "ingress.tls[0].secretName", "trawl-tls", "ingress.tls[0].hosts[0]", "trawl.example.com"),
    /** NetworkPolicies, with one network allow-listed for the fetcher. */
    NETWORK_POLICY(List.of(), "networkPolicy.enabled", "true",
            "scrapeService.fetchAllowNetworks[0]", "10.20.0.0/16"),
    /** The ServiceMonitor forced on. */
    SERVICE_MONITOR(List.of(), "serviceMonitor.enabled", "true"),
    /** The browser workers, scaled by the CPU HPA as the static ones (no cluster to look at for KEDA). */
    BROWSER(List.of(), "scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "200"),
    /** The browser workers with KEDA: a ScaledObject of their own on trawl.tasks.browser. */
    BROWSER_KEDA(List.of(), "scrapeBrowser.enabled", "true", "keda.enabled", "true",
            "scrapeBrowser.keda.minReplicaCount", "0", "scrapeBrowser.keda.maxReplicaCount", "6",
            "scrapeBrowser.keda.queueLength", "3", "externalDatabase.maxConnections", "200"),
    /** Everything at once, native, with a fully qualified release and extra Quarkus properties. */
    EVERYTHING(List.of("values-native.yaml"), "keda.enabled", "true", "ingress.enabled", "true",
            "networkPolicy.enabled", "true", "serviceMonitor.enabled", "true",
            "credentials.existingSecret", "trawl-credentials", "image.registry", "registry.example.com",
            "scrapeService.fetchAllowNetworks[0]", "10.20.0.0/16",
            "scrapeService.fetchAllowNetworks[1]", "192.168.7.0/24",
            "jobService.webhookAllowNetworks[0]", "10.30.0.0/16",

            "scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "200");

    private final List<String> valuesFiles;
    private final Map<String, Object> values;

    Scenario(List<String> valuesFiles, String... keyValues) {
        this.valuesFiles = valuesFiles;
        this.values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
    }

    List<String> valuesFiles() {
        return valuesFiles;
    }

    Map<String, Object> setValues() {
        return values;
    }

    /** File name of this scenario's rendering (target/rendered/, the Node validation's input). */
    String fileName() {
        return name().toLowerCase().replace('_', '-') + ".yaml";
    }
}
