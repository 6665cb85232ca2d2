package io.trawl.e2e.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service running as an operating-system process from its built jar: {@code java -jar
 * <service>/target/quarkus-app/quarkus-run.jar} with its own port and environment, output appended to a log
 * file. A watchdog shell process kills it if the JVM that started it disappears (a killed Maven run must not
 * leave services behind).
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final List<String> javaOptions;
    private final Path log;
    private volatile Process process;
    private volatile long peakRssKb;

    ServiceProcess(String name, Path jar, int port, Map<String, String> env, List<String> javaOptions, Path log) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.env = env;
        this.javaOptions = javaOptions;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public Map<String, String> env() {
        return env;
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Starts the process (appending to its log). */
    public synchronized void start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running (pid " + pid() + ")");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the services first "
                    + "(./mvnw -B -q package -DskipTests)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only what we set: an operator's TRAWL_*/QUARKUS_* variables must not leak into the system under test.
        pb.environment().keySet().removeIf(k -> k.startsWith("TRAWL_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + java.time.Instant.now() + " starting " + name + ": " + String.join(" ", cmd)
                    + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
            peakRssKb = 0;
            watchdog(process.pid());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private static void watchdog(long pid) {
        long self = ProcessHandle.current().pid();
        String script = "while kill -0 " + self + " 2>/dev/null && kill -0 " + pid + " 2>/dev/null; do sleep 2; done; "
                + "kill -0 " + self + " 2>/dev/null || kill -9 " + pid + " 2>/dev/null";
        try {
            new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            // without a watchdog a crashed run may leave this service behind; the run itself still stops it
        }
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the log's tail if it dies or times out. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new IllegalStateException(name + " exited (code " + exitCode() + ") before it was ready; log tail:\n"
                        + tail(40));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body().replaceAll("\\s+", " ");
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + " (last: " + last + "); log tail:\n"
                + tail(40));
    }

    /** True when {@code /q/health/ready} answers 200 now. */
    public boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public synchronized void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        samplePeakRss();
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -9}: no shutdown hook runs, in-flight work is simply lost. */
    public synchronized void kill9() {
        Process p = process;
        if (p == null) {
            return;
        }
        samplePeakRss();
        p.destroyForcibly(); // SIGKILL on Unix
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Integer exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? null : p.exitValue();
    }

    /** Peak resident set size so far (VmHWM), in KB; remembered across the process' end. */
    public long samplePeakRss() {
        long pid = pid();
        if (pid > 0) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmHWM:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakRssKb = Math.max(peakRssKb, kb);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return peakRssKb;
    }

    /** The last {@code lines} lines of the log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Lines of the log containing {@code needle}. */
    public List<String> grep(String needle) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(needle)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", port " + port + ")";
    }
}
