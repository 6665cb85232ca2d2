package io.trawl.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each service's images: non-root, the expected bases, the port its application.properties sets. */
class DockerfilesTest {

    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)\\s*$");

    @ParameterizedTest
    @ValueSource(strings = {"job-service", "scrape-service", "event-service"})
    void jvmImage(String component) throws IOException {
        String dockerfile = read(component, "Dockerfile.jvm");
        assertThat(only(FROM, dockerfile)).startsWith("registry.access.redhat.com/ubi9/openjdk-17-runtime:");
        assertThat(lastUser(dockerfile)).isEqualTo("185");
        assertThat(only(EXPOSE, dockerfile)).isEqualTo(port(component));
        // The fast-jar layout of target/quarkus-app, quarkus-run.jar as the entry point.
        for (String dir : List.of("lib/", "app/", "quarkus/")) {
            assertThat(dockerfile).contains("COPY --chown=185 target/quarkus-app/" + dir + " /deployments/" + dir);
        }
        assertThat(dockerfile).contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"", "-Dquarkus.http.host=0.0.0.0");
        // run-java.sh's own heap share (80 % of the pod's limit) leaves too little for the rest of the JVM.
        java.util.regex.Matcher ratio = Pattern.compile("(?m)^ENV JAVA_MAX_MEM_RATIO=\"(\\d+)\"$").matcher(dockerfile);
        assertThat(ratio.find()).as("JAVA_MAX_MEM_RATIO set").isTrue();
        assertThat(Integer.parseInt(ratio.group(1))).isBetween(25, 50);
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-service", "scrape-service", "event-service"})
    void nativeMicroImage(String component) throws IOException {
        String dockerfile = read(component, "Dockerfile.native-micro");
        assertThat(only(FROM, dockerfile)).startsWith("quay.io/quarkus/ubi9-quarkus-micro-image:");
        assertThat(lastUser(dockerfile)).isEqualTo("1001");
        assertThat(only(EXPOSE, dockerfile)).isEqualTo(port(component));
        assertThat(dockerfile).contains("target/*-runner /work/application")
                .contains("ENTRYPOINT [\"./application\", \"-Dquarkus.http.host=0.0.0.0\"]");
    }

    @org.junit.jupiter.api.Test
    void browserImageBringsDebiansChromiumAndNodeAndNoDownloadedBrowser() throws IOException {
        String dockerfile = read("scrape-service", "Dockerfile.browser");
        assertThat(only(FROM, dockerfile)).startsWith("debian:");
        assertThat(lastUser(dockerfile)).isEqualTo("185");
        assertThat(only(EXPOSE, dockerfile)).isEqualTo(port("scrape-service"));
        assertThat(dockerfile).containsPattern("apt-get install[^\\n]* chromium")
                .containsPattern("apt-get install[^\\n]* nodejs")
                .contains("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1", "PLAYWRIGHT_NODEJS_PATH=/usr/bin/node",
                        "TRAWL_BROWSER_ENABLED=true", "HOME=/tmp", "-Dquarkus.http.host=0.0.0.0")
                .doesNotContain("playwright install", "npx");
        for (String dir : List.of("lib/", "app/", "quarkus/")) {
            assertThat(dockerfile).contains("COPY --chown=185 target/quarkus-app/" + dir + " /deployments/" + dir);
        }
    }

    private static String read(String component, String file) throws IOException {
        return Files.readString(Chart.root().resolve(component).resolve("src/main/docker").resolve(file));
    }

    private static String port(String component) {
        return QuarkusProperties.of(component).value("quarkus.http.port").orElseThrow();
    }

    /** Kubernetes can enforce runAsNonRoot only for a numeric user: a name would make the pod fail to start. */
    private static String lastUser(String dockerfile) {
        Matcher user = USER.matcher(dockerfile);
        String last = null;
        while (user.find()) {
            last = user.group(1);
        }
        assertThat(last).as("USER").isNotNull().matches("[1-9][0-9]*");
        return last;
    }

    private static String only(Pattern pattern, String dockerfile) {
        Matcher matcher = pattern.matcher(dockerfile);
        assertThat(matcher.find()).as(pattern.pattern()).isTrue();
        String value = matcher.group(1);
        assertThat(matcher.find()).as("one " + pattern.pattern()).isFalse();
        return value;
    }
}
