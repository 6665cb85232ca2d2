package io.trawl.helm;

import static io.trawl.helm.Yamls.at;
import static io.trawl.helm.Yamls.container;
import static io.trawl.helm.Yamls.list;
import static io.trawl.helm.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.helm.Chart.Rendered;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart against the services' real configuration: every key of a service's ConfigMap and every variable
 * from the Secret is a property that service names in its application.properties, and the connection
 * properties it reads are all set. Renaming a property in a service without the chart fails here.
 */
class ServiceConfigTest {

    /** The connection settings every service that names them must get from the chart. */
    static final Set<String> CONNECTION = Set.of("trawl.db.host", "trawl.db.port", "trawl.db.name", "trawl.db.user",
            "trawl.db.password", "trawl.rabbitmq.host", "trawl.rabbitmq.port", "trawl.rabbitmq.user",
            "trawl.rabbitmq.password", "trawl.rabbitmq.vhost");

    /**
     * Quarkus core runtime properties, valid in every Quarkus application whatever its extensions: the chart
     * may set them although a service leaves them at Quarkus' default. Every other key must be named by the
     * service itself.
     */
    static final Set<String> QUARKUS_CORE = Set.of("quarkus.http.port", "quarkus.shutdown.timeout");

    private static Rendered everything;

    @BeforeAll
    static void render() {
        // Every optional key present (fetchAllowNetworks set), no user-supplied properties.
        everything = Rendered.of(Scenario.EVERYTHING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-service", "scrape-service", "event-service", "scrape-browser"})
    void configMapKeysAreRealPropertiesOfTheService(String component) {
        QuarkusProperties service = QuarkusProperties.of(service(component));
        Map<String, Object> data = map(everything.get("ConfigMap", "trawl-" + component), "data");
        Set<String> unknown = new TreeSet<>(data.keySet());
        unknown.removeAll(service.names());
        unknown.removeAll(QUARKUS_CORE);
        assertThat(unknown)
                .as("the chart sets properties %s does not name (in %s or a @ConfigMapping)", component,
                        QuarkusProperties.file(component))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-service", "scrape-service", "event-service", "scrape-browser"})
    void secretVariablesAreRealPropertiesAndConnectionSettingsAreComplete(String component) {
        QuarkusProperties service = QuarkusProperties.of(service(component));
        List<Map<String, Object>> env = list(container(everything.get("Deployment", "trawl-" + component)), "env");
        Set<String> variables = env.stream().map(e -> (String) e.get("name")).collect(Collectors.toSet());
        for (Map<String, Object> e : env) {
            if (at(e, "valueFrom.secretKeyRef") != null) {
                assertThat(service.byEnvName((String) e.get("name")))
                        .as("%s gets %s from the Secret but names no such property", component, e.get("name"))
                        .isPresent();
            }
        }
        for (String property : service.names()) {
            if (CONNECTION.contains(property)) {
                assertThat(variables).as("%s reads %s; the chart must set it", component, property)
                        .contains(QuarkusProperties.envName(property));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-service", "scrape-service", "event-service", "scrape-browser"})
    void portsMatchTheServicesOwnDefaults(String component) {
        QuarkusProperties service = QuarkusProperties.of(service(component));
        String port = service.value("quarkus.http.port").orElseThrow(() ->
                new AssertionError(component + " sets no quarkus.http.port"));
        Map<String, Object> data = map(everything.get("ConfigMap", "trawl-" + component), "data");
        assertThat(data).containsEntry("quarkus.http.port", port);
        assertThat(at(list(container(everything.get("Deployment", "trawl-" + component)), "ports").get(0), "containerPort"))
                .isEqualTo(Integer.parseInt(port));
        assertThat(at(list(everything.get("Service", "trawl-" + component), "spec.ports").get(0), "port"))
                .isEqualTo(Integer.parseInt(port));
    }

    /** The service a component runs: the browser workers are scrape-service. */
    static String service(String component) {
        return component.equals("scrape-browser") ? "scrape-service" : component;
    }

    @Test
    void theBrowserKeysTheChartSetsAreScrapeServicesBrowserConfig() {
        Set<String> browser = ConfigMappings.of("scrape-service").stream().filter(n -> n.startsWith("trawl.browser."))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(browser).contains("trawl.browser.enabled", "trawl.browser.contexts", "trawl.browser.js-heap-mb",
                "trawl.browser.memory-cap-mb", "trawl.browser.executable-path");
        Map<String, Object> data = map(everything.get("ConfigMap", "trawl-scrape-browser"), "data");
        assertThat(data.keySet().stream().filter(k -> k.startsWith("trawl.browser.")).toList())
                .isNotEmpty().allSatisfy(k -> assertThat(browser).contains(k));
    }

    @Test
    void apiKeysReachExactlyTheServicesThatAuthenticate() {
        for (String component : List.of("job-service", "event-service")) {
            assertThat(QuarkusProperties.of(component).names()).as(component).contains("trawl.api-keys");
        }
        // The keys are web-support's (the API key filter both services use), not a service's own mapping.
        assertThat(ConfigMappings.of("web-support")).contains("trawl.api-keys", "trawl.admin-keys");
        assertThat(ConfigMappings.of("job-service")).doesNotContain("trawl.api-keys", "trawl.admin-keys");
    }

    @Test
    void envNamesFollowQuarkusRules() {
        assertThat(QuarkusProperties.envName("quarkus.http.port")).isEqualTo("QUARKUS_HTTP_PORT");
        assertThat(QuarkusProperties.envName("trawl.api-keys")).isEqualTo("TRAWL_API_KEYS");
        assertThat(QuarkusProperties.envName("quarkus.datasource.reactive.max-size"))
                .isEqualTo("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE");
        assertThat(QuarkusProperties.envName("quarkus.log.category.\"io.trawl\".level"))
                .isEqualTo("QUARKUS_LOG_CATEGORY__IO_TRAWL__LEVEL");
    }

    @Test
    void jobServiceIsReadAsWritten() {
        QuarkusProperties job = QuarkusProperties.of("job-service");
        assertThat(job.names()).contains("trawl.db.host", "trawl.db.password", "trawl.api-keys",
                "quarkus.shutdown.timeout", "quarkus.datasource.reactive.max-size", "trawl.rabbitmq.vhost");
    }

    @Test
    void configMappingsAreReadFromTheSources() {
        // job-service's TrawlConfig and DashboardConfig: groups, @WithName, camelCase methods in kebab case.
        assertThat(ConfigMappings.of("job-service")).contains("trawl.feed-url", "trawl.db.host", "trawl.db.password",
                "trawl.rabbitmq.host", "trawl.rabbitmq.confirm-timeout", "trawl.dispatcher.batch-size",
                "trawl.reaper.queued-timeout", "trawl.retention.period")
                .doesNotContain("trawl.db", "trawl.dispatcher", "trawl.rabbitmq")
                .allSatisfy(name -> assertThat(name).matches("trawl\\.[a-z0-9.-]+"));
        assertThat(ConfigMappings.kebab("hostsPerRound")).isEqualTo("hosts-per-round");
    }
}
