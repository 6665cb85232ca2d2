package io.trawl.helm;

import static io.trawl.helm.Yamls.at;
import static io.trawl.helm.Yamls.container;
import static io.trawl.helm.Yamls.list;
import static io.trawl.helm.Yamls.map;
import static io.trawl.helm.Yamls.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.helm.Chart.Rendered;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** `helm template` of every scenario, parsed and checked for what matters to an operator. */
class ChartRenderTest {

    static final List<String> COMPONENTS = List.of("job-service", "scrape-service", "event-service");
    static final Map<String, Integer> PORTS = Map.of("job-service", 8080, "scrape-service", 8082, "event-service", 8081,
            "scrape-browser", 8082);
    static final String SCRAPE = "trawl-scrape-service";
    static final String BROWSER = "trawl-scrape-browser";

    /** One page fetch at most: a job spec's default limits.timeoutMs (README, "The spec"). */
    static final int DEFAULT_FETCH_SECONDS = 15;

    private static final Map<Scenario, Rendered> RENDERED = new EnumMap<>(Scenario.class);

    @BeforeAll
    static void render() {
        for (Scenario scenario : Scenario.values()) {
            RENDERED.put(scenario, Rendered.of(scenario));
        }
    }

    static Rendered rendered(Scenario scenario) {
        return RENDERED.get(scenario);
    }

    static String name(String component) {
        return "trawl-" + component;
    }

    /** The components a render deploys: the three services, and the browser workers when enabled. */
    static List<String> components(Rendered r) {
        List<String> components = new ArrayList<>(COMPONENTS);
        if (r.find("Deployment", BROWSER).isPresent()) {
            components.add("scrape-browser");
        }
        return components;
    }

    // ---- every scenario ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void selectorsNeverCarryTheVersionOrChart(Scenario scenario) {
        Rendered r = rendered(scenario);
        List<Map<String, Object>> selectors = new ArrayList<>();
        r.ofKind("Deployment").forEach(d -> selectors.add(map(d, "spec.selector.matchLabels")));
        r.ofKind("Service").forEach(s -> selectors.add(map(s, "spec.selector")));
        r.ofKind("PodDisruptionBudget").forEach(p -> selectors.add(map(p, "spec.selector.matchLabels")));
        r.ofKind("NetworkPolicy").forEach(n -> selectors.add(map(n, "spec.podSelector.matchLabels")));
        r.ofKind("ServiceMonitor").forEach(m -> selectors.add(map(m, "spec.selector.matchLabels")));
        assertThat(selectors).isNotEmpty().allSatisfy(selector -> assertThat(selector.keySet())
                .doesNotContain("app.kubernetes.io/version", "helm.sh/chart", "app.kubernetes.io/managed-by")
                .contains("app.kubernetes.io/name", "app.kubernetes.io/instance"));
        // ... while the objects themselves are labelled with it.
        assertThat(r.ofKind("Deployment")).allSatisfy(d ->
                assertThat(map(d, "metadata.labels")).containsEntry("app.kubernetes.io/version", "0.1.0"));
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void eachComponentHasItsDeploymentServiceConfigAndBudget(Scenario scenario) {
        Rendered r = rendered(scenario);
        for (String component : components(r)) {
            Map<String, Object> deployment = r.get("Deployment", name(component));
            Map<String, Object> selector = map(deployment, "spec.selector.matchLabels");
            assertThat(selector).containsEntry("app.kubernetes.io/component", component);
            assertThat(map(deployment, "spec.template.metadata.labels")).containsAllEntriesOf(selector);

            Map<String, Object> service = r.get("Service", name(component));
            assertThat(map(service, "spec.selector")).isEqualTo(selector);
            Map<String, Object> servicePort = list(service, "spec.ports").get(0);
            assertThat(servicePort).containsEntry("name", "http").containsEntry("targetPort", "http")
                    .containsEntry("port", PORTS.get(component));
            Map<String, Object> port = list(container(deployment), "ports").get(0);
            assertThat(port).containsEntry("name", "http").containsEntry("containerPort", PORTS.get(component));

            assertThat(r.find("ConfigMap", name(component))).isPresent();
            Map<String, Object> pdb = r.get("PodDisruptionBudget", name(component));
            assertThat(map(pdb, "spec")).containsEntry("maxUnavailable", 1).doesNotContainKey("minAvailable");
            assertThat(map(pdb, "spec.selector.matchLabels")).isEqualTo(selector);
        }
        assertThat(r.ofKind("Deployment")).hasSize(components(r).size());
        assertThat(r.ofKind("ServiceAccount")).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void neverAnHpaBesideAScaledObjectAndNoReplicasWhenAutoscaled(Scenario scenario) {
        Rendered r = rendered(scenario);
        Set<String> byHpa = r.ofKind("HorizontalPodAutoscaler").stream()
                .map(h -> str(h, "spec.scaleTargetRef.name")).collect(Collectors.toSet());
        Set<String> byKeda = r.ofKind("ScaledObject").stream()
                .map(s -> str(s, "spec.scaleTargetRef.name")).collect(Collectors.toSet());
        assertThat(byHpa.stream().filter(byKeda::contains).toList()).as("scaled by both an HPA and KEDA").isEmpty();
        for (Map<String, Object> deployment : r.ofKind("Deployment")) {
            String name = str(deployment, "metadata.name");
            if (byHpa.contains(name) || byKeda.contains(name)) {
                assertThat(map(deployment, "spec")).as(name + " is autoscaled").doesNotContainKey("replicas");
            } else {
                assertThat(map(deployment, "spec")).as(name + " is not autoscaled").containsKey("replicas");
            }
        }
        // Only the workers are ever autoscaled.
        assertThat(byHpa).isSubsetOf(SCRAPE, BROWSER);
        assertThat(byKeda).isSubsetOf(SCRAPE, BROWSER);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void probesHitQuarkusHealthEndpoints(Scenario scenario) {
        for (Map<String, Object> deployment : rendered(scenario).ofKind("Deployment")) {
            Map<String, Object> c = container(deployment);
            assertThat(str(c, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
            assertThat(str(c, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
            assertThat(str(c, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                assertThat(str(c, probe + ".httpGet.port")).isEqualTo("http");
            }
            // Migrations run at job-service's start: the startup probe must give it minutes, not seconds.
            int startupBudget = (Integer) at(c, "startupProbe.periodSeconds")
                    * (Integer) at(c, "startupProbe.failureThreshold");
            assertThat(startupBudget).isGreaterThanOrEqualTo(120);
        }
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void podsAreLockedDown(Scenario scenario) {
        Rendered r = rendered(scenario);
        List<Map<String, Object>> pods = new ArrayList<>();
        r.ofKind("Deployment").forEach(d -> pods.add(map(d, "spec.template")));
        r.ofKind("Pod").forEach(pods::add);
        assertThat(pods).hasSize(components(r).size() + 1);
        for (Map<String, Object> pod : pods) {
            assertThat(at(pod, "spec.securityContext.runAsNonRoot")).isEqualTo(true);
            assertThat(str(pod, "spec.securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
            assertThat(at(pod, "spec.automountServiceAccountToken")).isEqualTo(false);
            for (Map<String, Object> c : list(pod, "spec.containers")) {
                Map<String, Object> sc = map(c, "securityContext");
                assertThat(sc).containsEntry("runAsNonRoot", true)
                        .containsEntry("allowPrivilegeEscalation", false)
                        .containsEntry("readOnlyRootFilesystem", true);
                assertThat(at(sc, "capabilities.drop")).isEqualTo(List.of("ALL"));
                assertThat(sc).doesNotContainKey("privileged");
                assertThat(map(sc, "capabilities")).doesNotContainKey("add");
                assertThat(map(c, "resources")).containsKeys("requests", "limits");
                assertThat(str(c, "resources.limits.memory")).isNotBlank();
            }
        }
        for (Map<String, Object> deployment : r.ofKind("Deployment")) {
            Map<String, Object> c = container(deployment);
            assertThat(list(c, "volumeMounts")).containsExactly(Map.of("name", "tmp", "mountPath", "/tmp"));
            assertThat(list(deployment, "spec.template.spec.volumes")).singleElement()
                    .satisfies(v -> assertThat(v).containsEntry("name", "tmp").containsKey("emptyDir"));
            assertThat(str(deployment, "spec.template.spec.serviceAccountName")).isEqualTo("trawl");
        }
        assertThat(r.get("ServiceAccount", "trawl")).containsEntry("automountServiceAccountToken", false);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void terminationGraceOutlastsQuarkusShutdownWhichOutlastsAFetch(Scenario scenario) {
        Rendered r = rendered(scenario);
        for (String component : components(r)) {
            Map<String, Object> deployment = r.get("Deployment", name(component));
            String timeout = (String) map(r.get("ConfigMap", name(component)), "data").get("quarkus.shutdown.timeout");
            assertThat(timeout).matches("[0-9]+s");
            int shutdownSeconds = Integer.parseInt(timeout.substring(0, timeout.length() - 1));
            int preStop = (Integer) at(container(deployment), "lifecycle.preStop.sleep.seconds");
            int grace = (Integer) at(deployment, "spec.template.spec.terminationGracePeriodSeconds");
            assertThat(grace).as(component).isGreaterThan(preStop + shutdownSeconds);
            if (component.startsWith("scrape-")) {
                assertThat(shutdownSeconds).isGreaterThan(DEFAULT_FETCH_SECONDS);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyQuarkusPropertyReachesThePodUnderTheNameQuarkusReads(Scenario scenario) {
        Rendered r = rendered(scenario);
        for (String component : components(r)) {
            Map<String, Object> data = map(r.get("ConfigMap", name(component)), "data");
            List<Map<String, Object>> env = list(container(r.get("Deployment", name(component))), "env");
            Map<String, String> fromConfigMap = new LinkedHashMap<>();
            for (Map<String, Object> e : env) {
                if (at(e, "valueFrom.configMapKeyRef") != null) {
                    assertThat(str(e, "valueFrom.configMapKeyRef.name")).isEqualTo(name(component));
                    fromConfigMap.put(str(e, "valueFrom.configMapKeyRef.key"), (String) e.get("name"));
                }
            }
            assertThat(fromConfigMap.keySet()).isEqualTo(data.keySet());
            fromConfigMap.forEach((property, variable) ->
                    assertThat(variable).as(property).isEqualTo(QuarkusProperties.envName(property)));
            assertThat(data.values()).allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
            Set<String> names = env.stream().map(e -> (String) e.get("name")).collect(Collectors.toSet());
            assertThat(names).as("no variable twice").hasSize(env.size());
        }
    }

    // ---- scenarios --------------------------------------------------------------------------------------

    @Test
    void defaultsUseTheCpuHpaAndNothingOptional() {
        Rendered r = rendered(Scenario.DEFAULTS);
        // No cluster to look at: KEDA "auto" finds no ScaledObject API.
        assertThat(r.ofKind("ScaledObject")).isEmpty();
        assertThat(r.ofKind("TriggerAuthentication")).isEmpty();
        assertThat(r.ofKind("HorizontalPodAutoscaler")).hasSize(1);
        assertThat(r.ofKind("Ingress")).isEmpty();
        assertThat(r.ofKind("NetworkPolicy")).isEmpty();
        assertThat(r.ofKind("ServiceMonitor")).as("only when the CRD exists").isEmpty();
        assertThat(str(container(r.get("Deployment", "trawl-job-service")), "image"))
                .isEqualTo("trawl/job-service:0.1.0");
        assertThat(at(r.get("Deployment", "trawl-job-service"), "spec.replicas")).isEqualTo(2);
    }

    @Test
    void theChartNeverShipsAPassword() {
        Rendered r = rendered(Scenario.DEFAULTS);
        Map<String, Object> data = map(r.get("Secret", "trawl"), "data");
        assertThat(data.keySet()).containsExactlyInAnyOrder(
                "db-user", "db-password", "rabbitmq-user", "rabbitmq-password", "api-keys", "admin-keys",
                "feed-token-secret");
        assertThat(decode(data.get("db-password"))).isEmpty();
        assertThat(decode(data.get("admin-keys"))).isEmpty();
        assertThat(decode(data.get("feed-token-secret"))).isEmpty();
        assertThat(decode(data.get("rabbitmq-password"))).isEmpty();
        assertThat(decode(data.get("api-keys"))).isEmpty();
        assertThat(decode(data.get("db-user"))).isEqualTo("trawl");

        Map<String, Object> set = Map.of("externalDatabase.password", "s3cret", "apiKeys", "k1=acme");
        Map<String, Object> secret = map(render(set).get("Secret", "trawl"), "data");
        assertThat(decode(secret.get("db-password"))).isEqualTo("s3cret");
        assertThat(decode(secret.get("api-keys"))).isEqualTo("k1=acme");
        // Credentials travel only through the Secret, never the ConfigMaps.
        assertThat(render(set).ofKind("ConfigMap").toString()).doesNotContain("s3cret", "k1=acme");
    }

    @Test
    void credentialsComeFromTheSecretAndApiKeysOnlyWhereThereIsAnApi() {
        Map<String, String> expected = Map.of(
                "TRAWL_DB_USER", "db-user", "TRAWL_DB_PASSWORD", "db-password",
                "TRAWL_RABBITMQ_USER", "rabbitmq-user", "TRAWL_RABBITMQ_PASSWORD", "rabbitmq-password");
        for (Scenario scenario : List.of(Scenario.DEFAULTS, Scenario.EXISTING_SECRET)) {
            Rendered r = rendered(scenario);
            String secret = scenario == Scenario.DEFAULTS ? "trawl" : "trawl-credentials";
            for (String component : COMPONENTS) {
                Map<String, String> fromSecret = new HashMap<>();
                for (Map<String, Object> e : list(container(r.get("Deployment", name(component))), "env")) {
                    if (at(e, "valueFrom.secretKeyRef") != null) {
                        assertThat(str(e, "valueFrom.secretKeyRef.name")).isEqualTo(secret);
                        fromSecret.put((String) e.get("name"), str(e, "valueFrom.secretKeyRef.key"));
                    }
                    assertThat(e).as("no literal credentials").doesNotContainKey("value");
                }
                Map<String, String> want = new HashMap<>(expected);
                if (!component.equals("scrape-service")) {
                    want.put("TRAWL_API_KEYS", "api-keys");
                    want.put("TRAWL_ADMIN_KEYS", "admin-keys");
                    want.put("TRAWL_FEED_TOKEN_SECRET", "feed-token-secret");
                }
                assertThat(fromSecret).as(component).isEqualTo(want);
            }
        }
    }

    @Test
    void adminKeysAndTheFeedTokenSecretGoIntoTheSecretOnly() {
        String secretValue = "0123456789abcdef0123456789abcdef-feed";
        Map<String, Object> set = Map.of("adminKeys", "root-key", "feedTokenSecret", secretValue,
                "apiKeys", "k1=acme,k2=acme:viewer");
        Rendered r = render(set);
        Map<String, Object> secret = map(r.get("Secret", "trawl"), "data");
        assertThat(decode(secret.get("admin-keys"))).isEqualTo("root-key");
        assertThat(decode(secret.get("feed-token-secret"))).isEqualTo(secretValue);
        assertThat(decode(secret.get("api-keys"))).isEqualTo("k1=acme,k2=acme:viewer");
        assertThat(r.ofKind("ConfigMap").toString()).doesNotContain("root-key", secretValue);
        // An existing Secret made before the dashboard may lack the two new keys: the pods still start.
        for (String component : List.of("job-service", "event-service")) {
            for (Map<String, Object> e : list(container(r.get("Deployment", name(component))), "env")) {
                if (List.of("TRAWL_ADMIN_KEYS", "TRAWL_FEED_TOKEN_SECRET").contains(e.get("name"))) {
                    assertThat(at(e, "valueFrom.secretKeyRef.optional")).as(component).isEqualTo(true);
                }
            }
        }
    }

    @Test
    void theDashboardReachesTheFeedAtItsPublicUrlAndTheFeedAllowsTheDashboardsOrigin() {
        Rendered plain = rendered(Scenario.DEFAULTS);
        assertThat(map(plain.get("ConfigMap", "trawl-job-service"), "data")).doesNotContainKey("trawl.feed-url");
        assertThat(map(plain.get("ConfigMap", "trawl-event-service"), "data"))
                .doesNotContainKey("trawl.websocket.allowed-origins");

        Rendered explicit = render(Map.of("jobService.feedUrl", "https://feed.example.com",
                "eventService.allowedOrigins[0]", "https://dash.example.com"));
        assertThat(map(explicit.get("ConfigMap", "trawl-job-service"), "data"))
                .containsEntry("trawl.feed-url", "https://feed.example.com");
        assertThat(map(explicit.get("ConfigMap", "trawl-event-service"), "data"))
                .containsEntry("trawl.websocket.allowed-origins", "https://dash.example.com");

        // Behind the ingress the dashboard and the feed share its origin.
        Rendered ingress = render(Map.of("ingress.enabled", "true", "ingress.hosts[0]", "trawl.example.com",
                "ingress.tls[0].secretName", "tls", "eventService.allowedOrigins[0]", "https://dash.example.com"));
        assertThat(map(ingress.get("ConfigMap", "trawl-job-service"), "data"))
                .containsEntry("trawl.feed-url", "https://trawl.example.com");
        assertThat(map(ingress.get("ConfigMap", "trawl-event-service"), "data"))
                .containsEntry("trawl.websocket.allowed-origins", "https://dash.example.com,https://trawl.example.com");
    }

    @Test
    void existingSecretReplacesTheChartsSecret() {
        Rendered r = rendered(Scenario.EXISTING_SECRET);
        assertThat(r.ofKind("Secret")).isEmpty();
        for (Map<String, Object> deployment : r.ofKind("Deployment")) {
            assertThat(map(deployment, "spec.template.metadata.annotations"))
                    .containsKey("checksum/config").doesNotContainKey("checksum/secret");
        }
        Rendered everything = rendered(Scenario.EVERYTHING);
        for (String worker : List.of(SCRAPE, BROWSER)) {
            assertThat(list(everything.get("TriggerAuthentication", worker), "spec.secretTargetRef"))
                    .allSatisfy(ref -> assertThat(ref).containsEntry("name", "trawl-credentials"));
        }
    }

    @Test
    void configAndSecretChangesRollThePods() {
        String before = checksum(render(Map.of()), "checksum/config");
        assertThat(before).matches("[0-9a-f]{64}");
        assertThat(checksum(render(Map.of("externalDatabase.host", "db.internal")), "checksum/config"))
                .isNotEqualTo(before);
        assertThat(checksum(render(Map.of("jobService.config.quarkus\\.log\\.level", "DEBUG")), "checksum/config"))
                .isNotEqualTo(before);
        assertThat(checksum(render(Map.of("externalRabbitmq.password", "x")), "checksum/secret"))
                .isNotEqualTo(checksum(render(Map.of()), "checksum/secret"));
        assertThat(checksum(render(Map.of("externalRabbitmq.password", "x")), "checksum/config")).isEqualTo(before);
    }

    @Test
    void extraQuarkusPropertiesGoToTheConfigMapVerbatim() {
        Rendered r = render(Map.of(
                "config.quarkus\\.log\\.level", "INFO",
                "scrapeService.config.quarkus\\.log\\.level", "DEBUG",
                "jobService.config.trawl\\.dispatcher\\.batch-size", "1000000"));
        assertThat(map(r.get("ConfigMap", "trawl-scrape-service"), "data")).containsEntry("quarkus.log.level", "DEBUG");
        assertThat(map(r.get("ConfigMap", "trawl-event-service"), "data")).containsEntry("quarkus.log.level", "INFO");
        assertThat(map(r.get("ConfigMap", "trawl-job-service"), "data"))
                .containsEntry("trawl.dispatcher.batch-size", "1000000");
        assertThat(list(container(r.get("Deployment", "trawl-job-service")), "env"))
                .anySatisfy(e -> assertThat(e).containsEntry("name", "TRAWL_DISPATCHER_BATCH_SIZE"));
    }

    @Test
    void kedaScalesTheWorkersOnTheTaskQueue() {
        Rendered r = rendered(Scenario.KEDA_ON);
        assertThat(r.ofKind("HorizontalPodAutoscaler")).isEmpty();
        Map<String, Object> scaled = r.get("ScaledObject", SCRAPE);
        assertThat(str(scaled, "apiVersion")).isEqualTo("keda.sh/v1alpha1");
        assertThat(map(scaled, "spec.scaleTargetRef")).containsEntry("name", SCRAPE).containsEntry("kind", "Deployment");
        assertThat(map(scaled, "spec")).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 8)
                .containsOnlyKeys("scaleTargetRef", "minReplicaCount", "maxReplicaCount", "pollingInterval",
                        "cooldownPeriod", "advanced", "triggers");
        assertThat(at(scaled, "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds"))
                .isEqualTo(300);

        Map<String, Object> trigger = list(scaled, "spec.triggers").get(0);
        assertThat(list(scaled, "spec.triggers")).hasSize(1);
        assertThat(trigger).containsOnlyKeys("type", "metadata", "authenticationRef").containsEntry("type", "rabbitmq");
        Map<String, Object> metadata = map(trigger, "metadata");
        assertThat(metadata).containsOnlyKeys("protocol", "host", "vhostName", "queueName", "mode", "value");
        assertThat(metadata).containsEntry("queueName", "trawl.tasks").containsEntry("mode", "QueueLength")
                .containsEntry("protocol", "amqp").containsEntry("vhostName", "/");
        // KEDA's metadata is a map of strings: the value must be rendered as one.
        assertThat(metadata.get("value")).isInstanceOf(String.class).isEqualTo("25");
        assertThat(metadata.values()).allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
        assertThat((String) metadata.get("host")).isEqualTo("amqp://rabbitmq:5672/").doesNotContain("@");

        String auth = str(trigger, "authenticationRef.name");
        Map<String, Object> triggerAuth = r.get("TriggerAuthentication", auth);
        assertThat(list(triggerAuth, "spec.secretTargetRef")).containsExactlyInAnyOrder(
                Map.of("parameter", "username", "name", "trawl", "key", "rabbitmq-user"),
                Map.of("parameter", "password", "name", "trawl", "key", "rabbitmq-password"));
        assertThat(map(r.get("Deployment", SCRAPE), "spec")).doesNotContainKey("replicas");
    }

    @Test
    void kedaQueueLengthIsAStringWhateverTheUserTyped() {
        for (String typed : List.of("40", "2.5")) {
            Rendered r = render(Map.of("keda.enabled", "true", "keda.queueLength", typed));
            Object value = at(list(r.get("ScaledObject", SCRAPE), "spec.triggers").get(0), "metadata.value");
            assertThat(value).isEqualTo(typed);
        }
    }

    @Test
    void withoutKedaTheHpaScalesOnCpu() {
        Rendered r = rendered(Scenario.KEDA_OFF_HPA);
        assertThat(r.ofKind("ScaledObject")).isEmpty();
        Map<String, Object> hpa = r.get("HorizontalPodAutoscaler", SCRAPE);
        assertThat(str(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(map(hpa, "spec")).containsEntry("minReplicas", 1).containsEntry("maxReplicas", 6);
        Map<String, Object> metric = list(hpa, "spec.metrics").get(0);
        assertThat(str(metric, "resource.name")).isEqualTo("cpu");
        assertThat(at(metric, "resource.target.averageUtilization")).isEqualTo(70);
        assertThat(map(r.get("Deployment", SCRAPE), "spec")).doesNotContainKey("replicas");

        Rendered fixed = rendered(Scenario.FIXED_WORKERS);
        assertThat(fixed.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(fixed.ofKind("ScaledObject")).isEmpty();
        assertThat(at(fixed.get("Deployment", SCRAPE), "spec.replicas")).isEqualTo(3);
    }

    @Test
    void nativeValuesSwitchImagesAndShrinkMemory() {
        Rendered jvm = rendered(Scenario.DEFAULTS);
        Rendered nat = rendered(Scenario.NATIVE);
        for (String component : COMPONENTS) {
            Map<String, Object> c = container(nat.get("Deployment", name(component)));
            assertThat(str(c, "image")).isEqualTo("trawl/" + component + ":0.1.0-native");
            long nativeLimit = mebibytes(str(c, "resources.limits.memory"));
            long jvmLimit = mebibytes(str(container(jvm.get("Deployment", name(component))), "resources.limits.memory"));
            assertThat(nativeLimit).isLessThan(jvmLimit);
        }
        assertThat(str(container(rendered(Scenario.EVERYTHING).get("Deployment", "trawl-event-service")), "image"))
                .isEqualTo("registry.example.com/trawl/event-service:0.1.0-native");
    }

    @Test
    void ingressRoutesTheApiAndTheFeed() {
        Rendered r = rendered(Scenario.INGRESS);
        Map<String, Object> ingress = r.get("Ingress", "trawl");
        assertThat(str(ingress, "spec.ingressClassName")).isEqualTo("nginx");
        assertThat(map(ingress, "metadata.annotations")).containsEntry("nginx.ingress.kubernetes.io/use-regex", "true");
        assertThat(list(ingress, "spec.tls").get(0)).containsEntry("secretName", "trawl-tls");
        Map<String, Object> rule = list(ingress, "spec.rules").get(0);
        assertThat(rule).containsEntry("host", "trawl.example.com");
        List<Map<String, Object>> paths = list(rule, "http.paths");
        Map<String, String> backendByPath = new LinkedHashMap<>();
        for (Map<String, Object> path : paths) {
            backendByPath.put((String) path.get("path"), str(path, "backend.service.name"));
            assertThat(str(path, "backend.service.port.name")).isEqualTo("http");
        }
        assertThat(backendByPath).containsExactly(
                Map.entry("/ws", "trawl-event-service"),
                Map.entry("/api/v1/jobs/[^/]+/events", "trawl-event-service"),
                Map.entry("/api", "trawl-job-service"));
        assertThat(paths.get(1)).containsEntry("pathType", "ImplementationSpecific");
        assertThat(backendByPath).doesNotContainValue(SCRAPE);

        // Which service answers a request, the way ingress-nginx matches (the longest matching path wins).
        assertThat(route(backendByPath, "/api/v1/jobs/8d3c6d1e-0f7e-4c51-9e0b-1c2d3e4f5a6b/events")).isEqualTo("trawl-event-service");
        assertThat(route(backendByPath, "/api/v1/jobs/8d3c6d1e/events/stream")).isEqualTo("trawl-event-service");
        assertThat(route(backendByPath, "/ws/jobs/8d3c6d1e")).isEqualTo("trawl-event-service");
        assertThat(route(backendByPath, "/ws/events")).isEqualTo("trawl-event-service");
        assertThat(route(backendByPath, "/api/v1/jobs")).isEqualTo("trawl-job-service");
        assertThat(route(backendByPath, "/api/v1/jobs/8d3c6d1e/results")).isEqualTo("trawl-job-service");
        assertThat(route(backendByPath, "/api/v1/jobs/8d3c6d1e/pause")).isEqualTo("trawl-job-service");
        assertThat(route(backendByPath, "/q/metrics")).isNull();
    }

    @Test
    void networkPoliciesFenceTheFetcherAndTheApis() {
        Rendered r = rendered(Scenario.NETWORK_POLICY);
        assertThat(r.ofKind("NetworkPolicy")).hasSize(3);
        for (String component : COMPONENTS) {
            Map<String, Object> policy = r.get("NetworkPolicy", name(component));
            assertThat(map(policy, "spec.podSelector.matchLabels"))
                    .isEqualTo(map(r.get("Deployment", name(component)), "spec.selector.matchLabels"));
            assertThat(list(policy, "spec.policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
            List<Map<String, Object>> ingress = list(policy, "spec.ingress");
            boolean fromIngressController = ingress.stream().anyMatch(rule -> rule.toString().contains("ingress-nginx"));
            assertThat(fromIngressController).as(component).isEqualTo(!component.equals("scrape-service"));
            assertThat(ingress).allSatisfy(rule -> {
                assertThat(list(rule, "from")).as("never from everywhere").isNotEmpty();
                assertThat(list(rule, "ports")).containsExactly(Map.of("port", PORTS.get(component), "protocol", "TCP"));
            });
            List<Map<String, Object>> egress = list(policy, "spec.egress");
            assertThat(egress.toString()).contains("port=53", "port=5432", "port=5672");
            boolean internet = egress.stream().anyMatch(rule -> rule.toString().contains("0.0.0.0/0"));
            // scrape-service fetches pages, job-service delivers webhooks; event-service reaches nothing outside
            assertThat(internet).as(component + " reaches the internet").isEqualTo(!component.equals("event-service"));
        }

        Map<String, Object> webhooks = list(r.get("NetworkPolicy", name("job-service")), "spec.egress").stream()
                .filter(rule -> rule.toString().contains("0.0.0.0/0")).findFirst().orElseThrow();
        assertThat(webhooks.toString()).as("webhook egress is fenced like page fetches").contains("169.254.0.0/16");
        Map<String, Object> fetch = list(r.get("NetworkPolicy", SCRAPE), "spec.egress").stream()
                .filter(rule -> rule.toString().contains("0.0.0.0/0")).findFirst().orElseThrow();
        assertThat(fetch).doesNotContainKey("ports"); // pages on any port
        Map<String, Object> v4 = list(fetch, "to").get(0);
        @SuppressWarnings("unchecked")
        List<String> except = (List<String>) at(v4, "ipBlock.except");
        for (String address : List.of("169.254.169.254", "10.96.0.1", "10.244.3.7", "172.20.0.10", "192.168.1.1", "100.64.0.10", "127.0.0.1")) {
            assertThat(except.stream().anyMatch(cidr -> Cidr.contains(cidr, address)))
                    .as(address + " (metadata, pod and service ranges) is not reachable").isTrue();
        }
        for (String address : List.of("93.184.216.34", "1.1.1.1", "8.8.8.8")) {
            assertThat(except.stream().noneMatch(cidr -> Cidr.contains(cidr, address))).as(address).isTrue();
        }
        assertThat(list(r.get("NetworkPolicy", SCRAPE), "spec.egress"))
                .as("the allow-listed network is reachable too")
                .anySatisfy(rule -> assertThat(list(rule, "to")).containsExactly(Map.of("ipBlock", Map.of("cidr", "10.20.0.0/16"))));
    }

    @Test
    void serviceMonitorScrapesEveryServiceWhenForced() {
        Rendered r = rendered(Scenario.SERVICE_MONITOR);
        Map<String, Object> monitor = r.get("ServiceMonitor", "trawl");
        assertThat(list(monitor, "spec.endpoints")).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("port", "http").containsEntry("path", "/q/metrics"));
        Map<String, Object> selector = map(monitor, "spec.selector.matchLabels");
        assertThat(r.ofKind("Service")).hasSize(3)
                .allSatisfy(s -> assertThat(map(s, "metadata.labels")).containsAllEntriesOf(selector));
    }

    @Test
    void helmTestCallsEveryReadinessEndpoint() throws Exception {
        // A test hook: `helm test` runs it, `helm install` does not create it.
        String template = java.nio.file.Files.readString(Chart.chartDir().resolve("templates/tests/test-readiness.yaml"));
        assertThat(template).contains("helm.sh/hook: test");
        assertThat(Chart.template(Scenario.DEFAULTS)).doesNotContain("trawl-test-readiness");

        Map<String, Object> pod = rendered(Scenario.DEFAULTS).get("Pod", "trawl-test-readiness");
        assertThat(map(pod, "metadata.labels")).containsEntry("app.kubernetes.io/component", "test");
        String script = String.valueOf(at(container(pod), "command"));
        for (String component : COMPONENTS) {
            assertThat(script).contains("http://trawl-" + component + ":" + PORTS.get(component) + "/q/health/ready");
        }
        assertThat(at(pod, "spec.restartPolicy")).isEqualTo("Never");
    }

    @Test
    void notesTellHowToReachTheApiAndTheFeed() {
        String defaults = Chart.notes(Map.of());
        assertThat(defaults)
                .contains("port-forward svc/trawl-job-service 8080:8080", "port-forward svc/trawl-event-service 8081:8081")
                .contains("http://localhost:8080/api/v1/jobs", "ws://localhost:8081/ws/jobs/<job id>?after=0",
                        "http://localhost:8081/api/v1/jobs/<job id>/events/stream")
                .contains("helm test trawl --namespace trawl")
                .contains("WARNING: credentials are missing", "externalDatabase.password is empty",
                        "externalRabbitmq.password is empty", "apiKeys is empty", "feedTokenSecret is empty")
                .contains("an HPA scales trawl-scrape-service on CPU");

        String ingress = Chart.notes(Map.of("ingress.enabled", "true", "ingress.hosts[0]", "trawl.example.com",
                "ingress.tls[0].secretName", "tls", "keda.enabled", "true", "credentials.existingSecret", "mine"));
        assertThat(ingress)
                .contains("https://trawl.example.com/api/v1/jobs", "wss://trawl.example.com/ws/jobs/<job id>?after=0",
                        "https://trawl.example.com/api/v1/jobs/<job id>/events/stream")
                .contains("KEDA scales trawl-scrape-service on the depth of trawl.tasks")
                .doesNotContain("WARNING", "port-forward");

        String complete = Chart.notes(Map.of("externalDatabase.password", "a", "externalRabbitmq.password", "b",
                "apiKeys", "k=t", "feedTokenSecret", "0123456789abcdef0123456789abcdef"));
        assertThat(complete).doesNotContain("WARNING");
    }

    @Test
    void prefetchBelowConcurrencyIsRefused() {
        assertThatThrownBy(() -> render(Map.of("scrapeService.concurrency", "32", "scrapeService.prefetch", "8")))
                .hasMessageContaining("scrapeService.prefetch (8) must be at least scrapeService.concurrency (32)");
    }

    @Test
    void workerSettingsReachScrapeService() {
        Rendered r = render(Map.of("scrapeService.concurrency", "8", "scrapeService.prefetch", "10",
                "scrapeService.workerShutdownGraceSeconds", "30", "eventService.allowedOrigins[0]", "https://dash.example.com"));
        assertThat(map(r.get("ConfigMap", SCRAPE), "data")).containsEntry("trawl.worker.concurrency", "8")
                .containsEntry("trawl.worker.prefetch", "10").containsEntry("trawl.worker.shutdown-grace", "30s");
        assertThat(map(r.get("ConfigMap", "trawl-event-service"), "data"))
                .containsEntry("trawl.websocket.allowed-origins", "https://dash.example.com");
        // preStop 5 + quarkus.shutdown.timeout 60 + hand-back 30 + margin 10.
        assertThat(at(r.get("Deployment", SCRAPE), "spec.template.spec.terminationGracePeriodSeconds")).isEqualTo(105);
    }

    @Test
    void theConnectionBudgetIsEnforced() {
        assertThatThrownBy(() -> render(Map.of("keda.enabled", "true", "keda.maxReplicaCount", "40")))
                .hasMessageContaining("Postgres connection budget exceeded");
        assertThatThrownBy(() -> render(Map.of("externalDatabase.maxConnections", "50")))
                .hasMessageContaining("Postgres connection budget exceeded");
        assertThat(render(Map.of("keda.enabled", "true", "keda.maxReplicaCount", "40",
                "externalDatabase.checkConnectionBudget", "false")).ofKind("ScaledObject")).hasSize(1);
        assertThat(render(Map.of("keda.enabled", "true", "keda.maxReplicaCount", "40",
                "externalDatabase.maxConnections", "500")).ofKind("ScaledObject")).hasSize(1);
    }

    @Test
    void longReleaseNamesAreCutTo63Characters() {
        String release = "a-release-name-as-long-as-helm-allows-fifty-three-ch";
        assertThat(release).hasSizeLessThanOrEqualTo(53);
        String yaml = Chart.helm().template().withName(release).withKubeVersion(Chart.KUBE_VERSION).call();
        for (Map<String, Object> doc : Chart.parse(yaml)) {
            assertThat(str(doc, "metadata.name")).hasSizeLessThanOrEqualTo(63).doesNotEndWith("-");
        }
    }

    @Test
    void clustersOlderThanTheChartSupportsAreRefused() {
        assertThatThrownBy(() -> Chart.helm().template().withName("trawl").withKubeVersion("v1.29.0").call())
                .hasMessageContaining("kubeVersion");
    }

    @Test
    void onlyKnownFieldsAreRendered() {
        // kubernetes-models checks types and required fields but not unknown ones; these are the ones we write.
        Set<String> containerFields = Set.of("name", "image", "imagePullPolicy", "ports", "env", "startupProbe",
                "livenessProbe", "readinessProbe", "lifecycle", "resources", "securityContext", "volumeMounts", "command");
        Set<String> podFields = Set.of("serviceAccountName", "automountServiceAccountToken", "imagePullSecrets",
                "securityContext", "terminationGracePeriodSeconds", "containers", "volumes", "nodeSelector", "affinity",
                "tolerations", "topologySpreadConstraints", "restartPolicy");
        Set<String> probeFields = Set.of("httpGet", "periodSeconds", "failureThreshold", "timeoutSeconds");
        for (Scenario scenario : Scenario.values()) {
            Rendered r = rendered(scenario);
            for (Map<String, Object> doc : r.docs()) {
                assertThat(doc.keySet()).isSubsetOf("apiVersion", "kind", "metadata", "spec", "data", "type",
                        "automountServiceAccountToken");
                assertThat(map(doc, "metadata").keySet()).isSubsetOf("name", "labels", "annotations");
            }
            for (Map<String, Object> deployment : r.ofKind("Deployment")) {
                assertThat(map(deployment, "spec").keySet()).isSubsetOf("replicas", "revisionHistoryLimit", "strategy",
                        "selector", "template");
                assertThat(map(deployment, "spec.template.spec").keySet()).isSubsetOf(podFields);
                Map<String, Object> c = container(deployment);
                assertThat(c.keySet()).isSubsetOf(containerFields);
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertThat(map(c, probe).keySet()).isSubsetOf(probeFields);
                }
                assertThat(list(c, "env")).allSatisfy(e -> assertThat(e.keySet()).isSubsetOf("name", "value", "valueFrom"));
            }
            for (Map<String, Object> pod : r.ofKind("Pod")) {
                assertThat(map(pod, "spec").keySet()).isSubsetOf(podFields);
                assertThat(container(pod).keySet()).isSubsetOf(containerFields);
            }
        }
    }

    // ---- browser workers ----------------------------------------------------------------------------------

    @Test
    void browserWorkersAreOffByDefault() {
        for (Scenario scenario : List.of(Scenario.DEFAULTS, Scenario.KEDA_ON, Scenario.NATIVE, Scenario.NETWORK_POLICY)) {
            assertThat(rendered(scenario).docs()).as(scenario.name())
                    .noneMatch(d -> String.valueOf(Yamls.at(d, "metadata.name")).equals(BROWSER));
        }
    }

    @Test
    void browserWorkersRunTheChromiumImageWithBrowserCapacity() {
        Rendered r = rendered(Scenario.BROWSER);
        Map<String, Object> deployment = r.get("Deployment", BROWSER);
        Map<String, Object> c = container(deployment);
        assertThat(str(c, "image")).isEqualTo("trawl/scrape-service:0.1.0-browser");
        // The browser variant is a JVM image even when the others are native.
        assertThat(str(container(rendered(Scenario.EVERYTHING).get("Deployment", BROWSER)), "image"))
                .isEqualTo("registry.example.com/trawl/scrape-service:0.1.0-browser");
        assertThat(map(deployment, "spec.selector.matchLabels")).containsEntry("app.kubernetes.io/component", "scrape-browser");

        Map<String, Object> data = map(r.get("ConfigMap", BROWSER), "data");
        assertThat(data).containsEntry("trawl.browser.enabled", "true").containsEntry("trawl.browser.contexts", "4")
                .containsEntry("trawl.browser.js-heap-mb", "256").containsEntry("trawl.browser.memory-cap-mb", "1536")
                .containsEntry("trawl.worker.concurrency", "4").containsEntry("trawl.worker.prefetch", "4")
                .containsEntry("quarkus.datasource.reactive.max-size", "2");
        assertThat(map(r.get("ConfigMap", SCRAPE), "data").keySet()).noneMatch(k -> k.startsWith("trawl.browser."));
        assertThat(list(c, "env")).anySatisfy(e -> assertThat(e).containsEntry("name", "TRAWL_BROWSER_ENABLED"));

        // The browser is restarted below the pod's memory limit, with room left for the JVM.
        long limit = mebibytes(str(c, "resources.limits.memory"));
        assertThat(Long.parseLong((String) data.get("trawl.browser.memory-cap-mb"))).isLessThan(limit - 256);
        assertThat(mebibytes(str(c, "resources.requests.memory")))
                .isGreaterThan(mebibytes(str(container(r.get("Deployment", SCRAPE)), "resources.requests.memory")));
        // Chromium's profile and shared memory live in /tmp.
        assertThat(at(list(deployment, "spec.template.spec.volumes").get(0), "emptyDir.sizeLimit")).isEqualTo("512Mi");
        assertThat(at(list(r.get("Deployment", SCRAPE), "spec.template.spec.volumes").get(0), "emptyDir.sizeLimit"))
                .isEqualTo("64Mi");

        Map<String, Object> hpa = r.get("HorizontalPodAutoscaler", BROWSER);
        assertThat(map(hpa, "spec.scaleTargetRef")).containsEntry("name", BROWSER);
        assertThat(map(hpa, "spec")).containsEntry("minReplicas", 1).containsEntry("maxReplicas", 4);
        assertThat(r.get("HorizontalPodAutoscaler", SCRAPE)).isNotNull();
        assertThat(map(deployment, "spec")).doesNotContainKey("replicas");
    }

    @Test
    void kedaScalesTheBrowserWorkersOnTheBrowserQueue() {
        Rendered r = rendered(Scenario.BROWSER_KEDA);
        assertThat(r.ofKind("HorizontalPodAutoscaler")).isEmpty();
        Map<String, Object> scaled = r.get("ScaledObject", BROWSER);
        assertThat(map(scaled, "spec.scaleTargetRef")).containsEntry("name", BROWSER).containsEntry("kind", "Deployment");
        assertThat(map(scaled, "spec")).containsEntry("minReplicaCount", 0).containsEntry("maxReplicaCount", 6);
        Map<String, Object> trigger = list(scaled, "spec.triggers").get(0);
        assertThat(map(trigger, "metadata")).containsEntry("queueName", "trawl.tasks.browser")
                .containsEntry("mode", "QueueLength").containsEntry("value", "3");
        assertThat(str(trigger, "authenticationRef.name")).isEqualTo(BROWSER);
        assertThat(r.get("TriggerAuthentication", BROWSER)).isNotNull();
        // The static workers keep theirs, on trawl.tasks.
        assertThat(at(list(r.get("ScaledObject", SCRAPE), "spec.triggers").get(0), "metadata.queueName"))
                .isEqualTo("trawl.tasks");
        assertThat(map(r.get("Deployment", BROWSER), "spec")).doesNotContainKey("replicas");

        Rendered fixed = render(Map.of("scrapeBrowser.enabled", "true", "keda.enabled", "false",
                "autoscaling.enabled", "false", "scrapeBrowser.replicaCount", "2"));
        assertThat(at(fixed.get("Deployment", BROWSER), "spec.replicas")).isEqualTo(2);
        assertThat(fixed.ofKind("HorizontalPodAutoscaler")).isEmpty();
    }

    @Test
    void browserWorkersCountInTheConnectionBudget() {
        // Defaults: 86 connections of 90; the browser workers add (4 + 1) x 2.
        assertThatThrownBy(() -> render(Map.of("scrapeBrowser.enabled", "true")))
                .hasMessageContaining("Postgres connection budget exceeded: the pools can open 96 connections")
                .hasMessageContaining("scrape-browser 10");
        assertThat(render(Map.of("scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "110"))
                .find("Deployment", BROWSER)).isPresent();
        assertThatThrownBy(() -> render(Map.of("scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "200",
                "scrapeBrowser.concurrency", "8", "scrapeBrowser.prefetch", "2")))
                .hasMessageContaining("scrapeBrowser.prefetch (2) must be at least scrapeBrowser.concurrency (8)");
    }

    @Test
    void browserWorkersAreFencedLikeTheFetcher() {
        Rendered r = render(Map.of("scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "200",
                "networkPolicy.enabled", "true", "scrapeService.fetchAllowNetworks[0]", "10.20.0.0/16"));
        Map<String, Object> policy = r.get("NetworkPolicy", BROWSER);
        assertThat(map(policy, "spec.podSelector.matchLabels"))
                .isEqualTo(map(r.get("Deployment", BROWSER), "spec.selector.matchLabels"));
        List<Map<String, Object>> egress = list(policy, "spec.egress");
        assertThat(egress.toString()).contains("0.0.0.0/0", "169.254.0.0/16");
        assertThat(egress).anySatisfy(rule ->
                assertThat(list(rule, "to")).containsExactly(Map.of("ipBlock", Map.of("cidr", "10.20.0.0/16"))));
        assertThat(list(policy, "spec.ingress").toString()).doesNotContain("ingress-nginx");
        // One allow-list for both fetchers: the guard inside the browser worker gets it too.
        assertThat(map(r.get("ConfigMap", BROWSER), "data")).containsEntry("trawl.fetch.allow-networks", "10.20.0.0/16");
    }

    @Test
    void notesNameTheBrowserWorkersAndTheirScaler() {
        assertThat(Chart.notes(Map.of())).doesNotContain("Browsers:");
        assertThat(Chart.notes(Map.of("scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "200")))
                .contains("Browsers:  trawl-scrape-browser renders `\"render\": \"browser\"` jobs, 4 pages at once per pod;"
                        + " an HPA scales it on CPU (1..4 replicas)");
        assertThat(Chart.notes(Map.of("scrapeBrowser.enabled", "true", "externalDatabase.maxConnections", "200",
                "keda.enabled", "true")))
                .contains("KEDA scales it on the depth of trawl.tasks.browser (1..4 replicas)");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    static Rendered render(Map<String, Object> values) {
        String yaml = Chart.template(List.of(), values);
        return new Rendered(yaml, Chart.parse(yaml));
    }

    private static String checksum(Rendered r, String annotation) {
        return (String) map(r.get("Deployment", "trawl-job-service"), "spec.template.metadata.annotations").get(annotation);
    }

    private static String decode(Object base64) {
        return new String(Base64.getDecoder().decode((String) base64));
    }

    private static long mebibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        assertThat(quantity).endsWith("Mi");
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }

    /** ingress-nginx with use-regex: every path is a case-insensitive regex anchored at the start; longest wins. */
    private static String route(Map<String, String> backendByPath, String requestPath) {
        return backendByPath.entrySet().stream()
                .filter(e -> Pattern.compile("^" + e.getKey(), Pattern.CASE_INSENSITIVE).matcher(requestPath).find())
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(null);
    }
}
