package io.trawl.e2e.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three Trawl services as processes on this machine, against a database and a RabbitMQ vhost created for
 * this run only ({@code <prefix>_<timestamp>_<pid>}, owned by {@code trawl}; guest has all rights on the vhost)
 * and dropped at {@link #close()}. Ports are free ones picked at start, so a run never collides with
 * {@code ./trawl up} or another run. Spaces left behind by a run that was killed (its pid is gone) are dropped
 * at the next start.
 */
public final class TrawlSystem implements AutoCloseable {

    public static final String JOB = "job-service";
    public static final String EVENT = "event-service";
    public static final String SCRAPE = "scrape-service";
    /** A scrape-service process started with browser capacity (TRAWL_BROWSER_ENABLED=true). */
    public static final String BROWSER = "scrape-browser";

    private final Path root;
    private final String prefix;
    private final String space;
    private final Path logDir;
    private final Map<String, String> env;
    private final List<String> javaOptions;
    private final Duration readyTimeout;
    private final ServiceProcess job;
    private final ServiceProcess event;
    private final List<ServiceProcess> scrapers = new CopyOnWriteArrayList<>();
    private final List<ServiceProcess> browsers = new CopyOnWriteArrayList<>();
    private int browsersStarted;
    private boolean spaceCreated;

    /** How to run the system. */
    public static final class Options {
        Path root = Path.of(System.getProperty("trawl.e2e.root", ".")).toAbsolutePath().normalize();
        String prefix = "trawl_e2e";
        String apiKeys = "e2e-key=e2e";
        String adminKeys = "";
        Map<String, String> env = new LinkedHashMap<>();
        List<String> javaOptions = new ArrayList<>();
        int scrapers = 1;
        int browsers = 0;
        Path logDir;
        Duration readyTimeout = Duration.ofSeconds(120);

        /** The repository root (where {@code <service>/target/quarkus-app} are). */
        public Options root(Path root) {
            this.root = root.toAbsolutePath().normalize();
            return this;
        }

        /** Database/vhost name prefix. */
        public Options prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** {@code TRAWL_API_KEYS} of job- and event-service. */
        public Options apiKeys(String keys) {
            this.apiKeys = keys;
            return this;
        }

        /** {@code TRAWL_ADMIN_KEYS} of job- and event-service ({@code key,key2}). */
        public Options adminKeys(String keys) {
            this.adminKeys = keys;
            return this;
        }

        /** An environment variable for every service (e.g. {@code TRAWL_FETCH_ALLOW_NETWORKS}). */
        public Options env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Options javaOptions(List<String> options) {
            javaOptions = new ArrayList<>(options);
            return this;
        }

        /** How many scrape-service processes start. */
        public Options scrapers(int n) {
            this.scrapers = n;
            return this;
        }

        /**
         * How many scrape-service processes with browser capacity start ({@code TRAWL_BROWSER_ENABLED=true}; they
         * need {@code /usr/bin/chromium} and Node.js 20+). Default none.
         */
        public Options browsers(int n) {
            this.browsers = n;
            return this;
        }

        public Options logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        public Options readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }
    }

    private TrawlSystem(Options o) {
        this.root = o.root;
        this.prefix = o.prefix;
        this.space = o.prefix + "_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + "_"
                + ProcessHandle.current().pid();
        this.logDir = o.logDir != null ? o.logDir : root.resolve("e2e/target/e2e-logs/" + space);
        this.javaOptions = List.copyOf(o.javaOptions);
        this.readyTimeout = o.readyTimeout;
        Map<String, String> common = new LinkedHashMap<>();
        common.put("TRAWL_DB_NAME", space);
        common.put("TRAWL_RABBITMQ_VHOST", space);
        common.put("TRAWL_API_KEYS", o.apiKeys);
        common.put("TRAWL_ADMIN_KEYS", o.adminKeys);
        // The dashboard (job-service /ui) in a browser follows the feed with tokens both services verify, and
        // event-service admits the dashboard's origin on its WebSocket and CORS.
        int jobPort = freePort();
        int eventPort = freePort();
        common.put("TRAWL_FEED_TOKEN_SECRET", java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID());
        common.put("TRAWL_FEED_URL", "http://127.0.0.1:" + eventPort);
        common.put("TRAWL_WEBSOCKET_ALLOWED_ORIGINS", "http://127.0.0.1:" + jobPort + ",http://localhost:" + jobPort);
        common.putAll(o.env);
        this.env = Map.copyOf(common);
        this.job = process(JOB, JOB, jobPort);
        this.event = process(EVENT, EVENT, eventPort);
        for (int i = 1; i <= o.scrapers; i++) {
            scrapers.add(process(SCRAPE, scrapeName(i), freePort()));
        }
        for (int i = 1; i <= o.browsers; i++) {
            browsers.add(process(SCRAPE, browserName(++browsersStarted), freePort()));
        }
    }

    /** Creates the space, starts job-service (migrations), then event-service and the scrapers, all ready. */
    public static TrawlSystem start(Options options) {
        TrawlSystem system = new TrawlSystem(options);
        try {
            system.boot();
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private void boot() {
        dropStaleSpaces(prefix);
        Shell.psql("postgres", "create database " + space + " owner trawl");
        spaceCreated = true;
        Shell.rabbitmqctl("add_vhost", space);
        Shell.rabbitmqctl("set_permissions", "-p", space, "guest", ".*", ".*", ".*");
        // job-service first: it applies the schema migrations the others need.
        job.start();
        job.awaitReady(readyTimeout);
        List<ServiceProcess> rest = new ArrayList<>();
        rest.add(event);
        rest.addAll(scrapers);
        rest.addAll(browsers);
        rest.forEach(ServiceProcess::start);
        rest.forEach(p -> p.awaitReady(readyTimeout));
    }

    /**
     * Drops databases and vhosts named {@code <prefix>_<timestamp>_<pid>} whose pid is no longer running: what a
     * killed run left behind. Spaces of live runs are untouched.
     */
    static void dropStaleSpaces(String prefix) {
        Pattern own = Pattern.compile(Pattern.quote(prefix) + "_\\d{14}_(\\d+)");
        String dbs = Shell.psql("postgres", "select datname from pg_database where datname like '" + prefix + "\\_%'");
        for (String db : dbs.lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            Matcher m = own.matcher(db);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                Shell.psql("postgres", "drop database if exists " + db + " with (force)");
            }
        }
        for (String vhost : Shell.rabbitmqctl("list_vhosts", "name").lines().map(String::strip).toList()) {
            Matcher m = own.matcher(vhost);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                Shell.run(Duration.ofSeconds(60), "rabbitmqctl", "-q", "delete_vhost", vhost);
            }
        }
    }

    private ServiceProcess process(String service, String name, int port) {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        Map<String, String> own = new LinkedHashMap<>(env);
        if (service.equals(SCRAPE)) {
            // A recognisable worker id (<host>-<first 8 hex of quarkus.uuid>) so events name the process.
            own.put("QUARKUS_UUID", workerUuid(name));
        }
        if (name.startsWith(BROWSER)) {
            own.put("TRAWL_BROWSER_ENABLED", "true");
        }
        return new ServiceProcess(name, jar, port, own, javaOptions, logDir.resolve(name + ".log"));
    }

    private static String scrapeName(int i) {
        return i == 1 ? SCRAPE : SCRAPE + "-" + i;
    }

    private static String browserName(int i) {
        return i == 1 ? BROWSER : BROWSER + "-" + i;
    }

    /** e2e0000n-… for scrape-service n, e2e1000n-… for browser worker n. */
    private static String workerUuid(String name) {
        boolean browser = name.startsWith(BROWSER);
        String base = browser ? BROWSER : SCRAPE;
        int n = name.equals(base) ? 1 : Integer.parseInt(name.substring(base.length() + 1));
        return String.format("e2e%05x-0000-4000-8000-%012x", browser ? 0x10000 + n : n, ProcessHandle.current().pid());
    }

    /** The suffix of a scrape process' worker id in events ({@code worker} of {@code task.started}). */
    public static String workerSuffix(ServiceProcess scraper) {
        return "-" + scraper.env().get("QUARKUS_UUID").replace("-", "").substring(0, 8);
    }

    /** Starts one more scrape-service process (ready when this returns). */
    public ServiceProcess addScraper() {
        ServiceProcess p = process(SCRAPE, scrapeName(scrapers.size() + 1), freePort());
        scrapers.add(p);
        p.start();
        p.awaitReady(readyTimeout);
        return p;
    }

    /**
     * Starts one more scrape-service process with browser capacity (ready when this returns), named
     * {@code scrape-browser}, {@code scrape-browser-2}, ... in the order they start.
     */
    public ServiceProcess addBrowser() {
        ServiceProcess p = process(SCRAPE, browserName(++browsersStarted), freePort());
        browsers.add(p);
        p.start();
        p.awaitReady(readyTimeout);
        return p;
    }

    /** The browser workers started so far (running or not). */
    public List<ServiceProcess> browsers() {
        return List.copyOf(browsers);
    }

    public ServiceProcess job() {
        return job;
    }

    public ServiceProcess event() {
        return event;
    }

    public List<ServiceProcess> scrapers() {
        return List.copyOf(scrapers);
    }

    /** Every service process started so far. */
    public List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>();
        all.add(job);
        all.add(event);
        all.addAll(scrapers);
        all.addAll(browsers);
        return all;
    }

    /** Services that are running, not ready now. */
    public List<ServiceProcess> running() {
        return all().stream().filter(ServiceProcess::alive).toList();
    }

    /** Waits until every running service reports ready. */
    public void awaitAllReady(Duration timeout) {
        running().forEach(p -> p.awaitReady(timeout));
    }

    /** The database and vhost name of this run. */
    public String space() {
        return space;
    }

    public Path logDir() {
        return logDir;
    }

    /** The last lines of every service's log, for failure messages. */
    public String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        for (ServiceProcess p : all()) {
            out.append("\n----- ").append(p.name()).append(" (").append(p.alive() ? "running" : "exited " + p.exitCode())
                    .append(", ").append(p.log()).append(") last ").append(lines).append(" lines -----\n")
                    .append(p.tail(lines)).append('\n');
        }
        return out.toString();
    }

    /** Stops every service (in parallel), then drops the database and vhost. Idempotent. */
    @Override
    public synchronized void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ServiceProcess p : all()) {
            stops.add(CompletableFuture.runAsync(() -> p.stop(Duration.ofSeconds(20))));
        }
        stops.forEach(CompletableFuture::join);
        if (spaceCreated) {
            spaceCreated = false;
            Shell.run(Duration.ofSeconds(60), "psql", "-h", "127.0.0.1", "-U", "postgres", "-qAt", "-c",
                    "drop database if exists " + space + " with (force)");
            Shell.run(Duration.ofSeconds(60), "rabbitmqctl", "-q", "delete_vhost", space);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** The service jars that are not built yet under {@code root} (empty when all three are there). */
    public static List<Path> missingJars(Path root) {
        List<Path> missing = new ArrayList<>();
        for (String s : List.of(JOB, EVENT, SCRAPE)) {
            Path jar = root.resolve(s).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.isRegularFile(jar)) {
                missing.add(jar);
            }
        }
        return missing;
    }
}
