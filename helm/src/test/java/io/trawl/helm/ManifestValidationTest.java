package io.trawl.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every manifest the chart renders (each scenario) and every file of k8s/ (and what kustomize builds from
 * it), validated against the Kubernetes, KEDA and Prometheus Operator schemas by helm/validate/validate.mjs
 * (kubernetes-models, installed with `npm ci` from the committed package-lock.json).
 */
class ManifestValidationTest {

    private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$");

    @Test
    void everyRenderedManifestMatchesItsSchema() throws IOException {
        Path validate = Chart.root().resolve("helm/validate");
        Path rendered = Chart.root().resolve("helm/target/rendered");
        Files.createDirectories(rendered);
        int documents = 0;
        for (Scenario scenario : Scenario.values()) {
            String yaml = Chart.templateWithHooks(scenario);
            Files.writeString(rendered.resolve(scenario.fileName()), yaml);
            documents += Chart.parse(yaml).size();
        }
        for (String dir : new String[] {"k8s", "k8s/keda", "k8s/browser"}) {
            String built = Processes.run(Chart.root(), 120,
                    Processes.require("kubectl", "kustomize").toString(), "kustomize", dir).output();
            Files.writeString(rendered.resolve("kustomize-" + dir.replace('/', '-') + ".yaml"), built);
            documents += Chart.parse(built).size();
        }

        Path npm = Processes.require("npm", "the schema validation runs on Node");
        Path node = Processes.require("node", "the schema validation runs on Node");
        Processes.Result install = Processes.run(validate, 300, npm.toString(), "ci", "--no-audit", "--no-fund",
                "--prefer-offline", "--loglevel=error");
        assertThat(install.exitCode()).as("npm ci in helm/validate:\n%s", install.output()).isZero();

        Processes.Result result = Processes.run(validate, 300, node.toString(), "validate.mjs",
                rendered.toString(), Chart.root().resolve("k8s").toString());
        System.out.println(result.output());
        assertThat(result.exitCode()).as(result.output()).isZero();
        Matcher summary = SUMMARY.matcher(result.output());
        assertThat(summary.find()).as(result.output()).isTrue();
        assertThat(Integer.parseInt(summary.group(2))).isZero();
        // Everything rendered was validated (k8s/ adds its own documents on top).
        assertThat(Integer.parseInt(summary.group(1))).isGreaterThan(documents);
    }
}
