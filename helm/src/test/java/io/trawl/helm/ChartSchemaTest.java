package io.trawl.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** helm lint --strict, and values.schema.json turning wrong values away before anything renders. */
class ChartSchemaTest {

    @Test
    void lintStrictPasses() {
        LintResult result = Chart.helm().lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            keda.enabled                                | maybe
            keda.queueLength                            | 0
            keda.queueLength                            | -5
            keda.queueLength                            | lots
            keda.minReplicaCount                        | 0
            keda.maxReplicaCount                        | 0
            autoscaling.enabled                         | yes please
            autoscaling.targetCPUUtilizationPercentage  | 0
            autoscaling.targetCPUUtilizationPercentage  | 150
            serviceMonitor.enabled                      | sometimes
            jobService.port                             | 70000
            jobService.replicaCount                     | -1
            jobService.dbPoolSize                       | 0
            scrapeService.shutdownTimeoutSeconds        | 5
            scrapeService.fetchAllowNetworks[0]         | not-a-network
            externalDatabase.port                       | 0
            externalDatabase.host                       | ''
            externalRabbitmq.vhost                      | ''
            image.pullPolicy                            | Sometimes
            service.type                                | ExternalName
            networkPolicy.fetchDenyCIDRs[0]             | 169.254.169.254
            networkPolicy.enabled                       | on
            podDisruptionBudget.maxUnavailable          | 0
            preStopSleepSeconds                         | -1
            apiKeys                                     | just-a-key
            apiKeys                                     | k1=acme,k2=bad tenant
            config.%dev\\.quarkus\\.log\\.level         | DEBUG
            credentials.keys.dbPassword                 | ''
            ingress.eventsPathType                      | Regex
            probes.startup.failureThreshold             | 0
            jobservice.replicaCount                     | 2
            scrapeService.replicas                      | 2
            scrapeBrowser.enabled                       | maybe
            scrapeBrowser.contexts                      | 0
            scrapeBrowser.keda.minReplicaCount          | -1
            scrapeBrowser.keda.queueLength              | 0
            scrapeBrowser.tmpSizeLimit                  | lots
            scrapeBrowser.imageTagSuffix                | ':latest'
            """)
    void wrongValuesAreRejected(String key, String value) {
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of(key, value)))
                .as("%s=%s must be rejected", key, value)
                .hasMessageContaining("values don't meet the specifications of the schema");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            keda.enabled                         | auto
            keda.enabled                         | true
            keda.enabled                         | false
            keda.queueLength                     | 20
            keda.queueLength                     | 7.5
            serviceMonitor.enabled               | false
            scrapeService.fetchAllowNetworks[0]  | 10.1.0.0/16
            scrapeService.fetchAllowNetworks[0]  | fd00:1::/64
            apiKeys                              | k1=acme,k2=globex
            apiKeys                              | 'k=with=equals=acme, k2=globex'
            jobService.config.quarkus\\.log\\.level | DEBUG
            scrapeBrowser.keda.minReplicaCount   | 0
            scrapeBrowser.tmpSizeLimit           | 1Gi
            """)
    void rightValuesAreAccepted(String key, String value) {
        assertThat(Chart.template(List.of(), Map.of(key, value))).contains("kind: Deployment");
    }

    @Test
    void lintFailsOnAChartWhoseDefaultsBreakTheSchema(@TempDir Path copy) throws IOException {
        copyChart(copy);
        Path values = copy.resolve("values.yaml");
        String broken = Files.readString(values).replaceFirst("(?m)^  queueLength: .*$", "  queueLength: twenty");
        assertThat(broken).contains("queueLength: twenty");
        Files.writeString(values, broken);
        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("queueLength");
    }

    @Test
    void everyValueHasASchemaEntry() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(Chart.chartDir().resolve("values.schema.json").toFile());
        for (String file : List.of("values.yaml", "values-native.yaml")) {
            Map<String, Object> values = Chart.parse(Files.readString(Chart.chartDir().resolve(file))).get(0);
            assertDescribed(values, schema, file);
        }
        assertThat(schema.path("additionalProperties").asBoolean(true)).as("closed at the top").isFalse();
    }

    @SuppressWarnings("unchecked")
    private static void assertDescribed(Map<String, Object> values, JsonNode schema, String path) {
        JsonNode properties = schema.path("properties");
        if (properties.isMissingNode()) {
            return; // a free-form map (config, annotations, affinity...)
        }
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            String where = path + ": " + entry.getKey();
            assertThat(properties.has(entry.getKey())).as(where + " has no schema").isTrue();
            JsonNode child = properties.get(entry.getKey());
            assertThat(child.has("type") || child.has("enum") || child.has("anyOf") || child.has("const"))
                    .as(where + " has no type").isTrue();
            if (entry.getValue() instanceof Map<?, ?> map) {
                assertDescribed((Map<String, Object>) map, child, where);
            }
        }
    }

    private static void copyChart(Path target) throws IOException {
        Path source = Chart.chartDir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
    }
}
