package io.trawl.e2e;

import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.FixtureServer;
import io.trawl.e2e.system.Shell;
import io.trawl.e2e.system.TrawlSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What every scenario shares, started once per run and closed at its end (a value of the root store):
 * <ul>
 * <li>the three services as processes — job-service, event-service and <b>two</b> scrape-services (scenario 4
 * kills one) — against database and vhost {@code trawl_e2e_<timestamp>_<pid>};</li>
 * <li>three fixture servers on 127.0.0.2, the only network the address guard allows ({@code 127.0.0.2/32}):
 * {@code sites} (business directories, one mount per scenario), {@code hostile} (scenario 8's hostile pages),
 * {@code tarpit} (the never-ending page, on its own port so its timeouts back off only its own host);</li>
 * <li>API clients for tenant {@code e2e} and tenant {@code other}.</li>
 * </ul>
 */
public final class E2eEnvironment implements AutoCloseable {

    /** The fixture's address: loopback, but not 127.0.0.1, so a redirect to 127.0.0.1 stays refused. */
    public static final String FIXTURE_HOST = "127.0.0.2";
    /** Where the webhook scenario's receiver listens (a loopback address job-service's sender allow-lists). */
    public static final String WEBHOOK_HOST = "127.0.0.3";
    public static final String KEY = "e2e-key";
    public static final String OTHER_KEY = "e2e-other-key";
    /** A read-only key of tenant {@code e2e} (the dashboard offers it no control). */
    public static final String VIEWER_KEY = "e2e-viewer-key";
    /** An admin key: every tenant. */
    public static final String ADMIN_KEY = "e2e-admin-key";

    /**
     * Service settings of the run, each shorter than its default so faults heal within the suite's budget.
     * Everything else is the production default — in particular the reaper's queued-timeout (10 min): no
     * scenario may depend on it to finish (docs/hardening-worker.md).
     */
    static final List<String[]> SERVICE_ENV = List.of(
            new String[] {"TRAWL_FETCH_ALLOW_NETWORKS", FIXTURE_HOST + "/32"},
            new String[] {"TRAWL_WEBHOOK_ALLOW_NETWORKS", WEBHOOK_HOST + "/32"},
            // a worker killed with -9: its tasks come back when their lease expires (default 30s / renew 10s)
            new String[] {"TRAWL_WORKER_LEASE", "8s"},
            new String[] {"TRAWL_WORKER_LEASE_RENEW_INTERVAL", "2s"},
            // retries (503-twice, timeouts, expired leases) after 300 ms, 600 ms, ... instead of 2 s, 4 s, ...
            new String[] {"TRAWL_RETRY_BACKOFF_BASE", "300ms"},
            new String[] {"TRAWL_RETRY_BACKOFF_MAX", "3s"},
            new String[] {"TRAWL_WORKER_HEARTBEAT_INTERVAL", "2s"});

    /** JVM options of the service processes (small heaps; two cores are shared by four JVMs and Maven). */
    static final List<String> JAVA_OPTIONS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");

    private final Instant started = Instant.now();
    final TrawlSystem system;
    final FixtureServer sites;
    final FixtureServer hostile;
    final FixtureServer tarpit;
    final TrawlApi api;
    final TrawlApi other;

    private E2eEnvironment() {
        Path root = Path.of(System.getProperty("trawl.e2e.root", "..")).toAbsolutePath().normalize();
        List<Path> missing = TrawlSystem.missingJars(root);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the services are not built: " + missing
                    + " — run ./mvnw -B -q package -DskipTests first (the root build does this before e2e)");
        }
        sites = FixtureServer.start(FIXTURE_HOST, 48);
        DirectorySite.robots(sites, "");
        hostile = FixtureServer.start(FIXTURE_HOST, 16);
        tarpit = FixtureServer.start(FIXTURE_HOST, 8);
        TrawlSystem.Options options = new TrawlSystem.Options().root(root).prefix("trawl_e2e")
                .apiKeys(KEY + "=e2e," + OTHER_KEY + "=other," + VIEWER_KEY + "=e2e:viewer").adminKeys(ADMIN_KEY).scrapers(2).javaOptions(JAVA_OPTIONS);
        String extra = System.getenv("TRAWL_E2E_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.javaOptions(List.of(extra.trim().split("\\s+")));
        }
        SERVICE_ENV.forEach(kv -> options.env(kv[0], kv[1]));
        long t0 = System.nanoTime();
        try {
            system = TrawlSystem.start(options);
        } catch (RuntimeException e) {
            sites.close();
            hostile.close();
            tarpit.close();
            throw e;
        }
        log("services ready in %.1f s: %s (space %s, logs %s)", (System.nanoTime() - t0) / 1e9, system.all(),
                system.space(), system.logDir());
        api = new TrawlApi(system.job().baseUrl(), system.event().baseUrl(), KEY);
        other = api.withKey(OTHER_KEY);
    }

    static E2eEnvironment start() {
        return new E2eEnvironment();
    }

    /** A line on the test output, with the time since the run began. */
    static void log(String format, Object... args) {
        System.out.printf("[e2e +%5.1fs] %s%n", Duration.between(STARTED, Instant.now()).toMillis() / 1000.0,
                String.format(format, args));
        System.out.flush();
    }

    private static final Instant STARTED = Instant.now();

    /** {@code psql} against this run's database. */
    String sql(String statement) {
        return Shell.psql(system.space(), statement);
    }

    @Override
    public void close() {
        log("stopping services, dropping %s (run took %d s)", system.space(),
                Duration.between(started, Instant.now()).toSeconds());
        try {
            system.close();
        } finally {
            sites.close();
            hostile.close();
            tarpit.close();
        }
    }
}
