import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.FixtureServer;
import io.trawl.e2e.system.ServiceProcess;
import io.trawl.e2e.system.Shell;
import io.trawl.e2e.system.TrawlSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Trawl's benchmark (run it with bench/run). Starts the three services exactly as the e2e suite does — processes
 * from the built jars, a fresh database and vhost, the fixture site on 127.0.0.2 — but with production JVM
 * defaults and service settings, then measures:
 * <ol>
 * <li>a crawl of the business-directory fixture with about N pages (after a small warm-up crawl): pages/s and
 * items/s end to end (from POST /jobs to job.completed arriving on a WebSocket), and the latency of every live
 * event (its {@code time}, stamped by Postgres at commit, → received by the WebSocket client), split by stage
 * from the services' own histograms ({@link FeedLag});</li>
 * <li>POST /jobs and GET /jobs/{id} latencies under a fixed concurrent load (C client threads, R requests);</li>
 * <li>peak RSS (VmHWM) of each service process.</li>
 * </ol>
 * With {@code --vs-crawlee N} (bench/run --vs-crawlee) it also crawls the same site N times with Crawlee's
 * CheerioCrawler (bench/crawlee.cjs), alternating with N Trawl crawls (perHostConcurrency 64), and prints both
 * medians and the ratio; the box's busy share and each service's CPU per page come with every Trawl run.
 * {@code --jfr DIR} records a JFR profile of every service into DIR.
 * {@code --steady P} (0: off; bench/run --vs-crawlee passes 5) goes on warming up after the warm-up crawl: crawls of
 * the measured size until three in a row agree within P % (at most 12), so that what is measured is the JVMs'
 * steady state, not their JIT compilers catching up (on two saturated cores C2 needs minutes of crawling).
 * When the server runs with autovacuum off (this machine's CI setting; Postgres's default and every production
 * server run it), the bench runs {@code VACUUM (ANALYZE)} on its database after every Trawl crawl, outside the
 * timed crawl, and says so: what autovacuum would have done meanwhile.
 * {@code --jobs N} (1–10) runs the measured crawl as N jobs on N hosts (127.0.0.2 …) at once, pages/N each, and
 * reports their total pages/s; {@code --vs-jobs N} alternates one job on one host with N jobs on N hosts (the same
 * pages in all), {@code --runs} (3) times each, and prints both medians and their ratio. {@code --pod-memory} (768m, the chart's memory limit; 0 for none) sizes every
 * service JVM's heap as in its pod ({@code -XX:MaxRAM}, and {@code --heap-percent} 40, the images'
 * {@code JAVA_MAX_MEM_RATIO}).
 * Options: --pages 5000 --warmup 2000 --concurrency 8 --requests 400 --scrapers 1 --per-host 0 (16 per scraper;
 * 64 with --vs-crawlee) --jobs 1 --vs-jobs 0 --runs 1 --steady 0 --pod-memory 768m --heap-percent 40 --vs-crawlee 0
 * --crawlee-concurrency 50
 * --crawlee-modules bench/.crawlee/node_modules --jfr "" --jvm-options "" (extra options for every service JVM)
 * --latency-log "" (a folder: every crawl's live events as CSV, arrival and event time, to line stalls up with GC
 * logs) --root .
 */
public class Bench {

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--pages", "5000", "--warmup", "2000", "--concurrency", "8",
                "--requests", "400", "--scrapers", "1", "--root", "."));
        opt.putAll(Map.of("--per-host", "0", "--vs-crawlee", "0", "--crawlee-concurrency", "50",
                "--crawlee-modules", "bench/.crawlee/node_modules", "--jfr", "", "--jobs", "1", "--pod-memory", "768m"));
        opt.put("--heap-percent", "40");
        opt.put("--vs-jobs", "0");
        opt.put("--runs", "1");
        opt.put("--steady", "0");
        opt.put("--jvm-options", "");
        opt.put("--latency-log", "");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opt.containsKey(args[i])) {
                System.err.println("unknown option " + args[i] + "; options: " + opt);
                System.exit(2);
            }
            opt.put(args[i], args[i + 1]);
        }
        int pages = Integer.parseInt(opt.get("--pages"));
        int warmup = Integer.parseInt(opt.get("--warmup"));
        int concurrency = Integer.parseInt(opt.get("--concurrency"));
        int requests = Integer.parseInt(opt.get("--requests"));
        int scrapers = Integer.parseInt(opt.get("--scrapers"));
        Path root = Path.of(opt.get("--root")).toAbsolutePath().normalize();
        int vsCrawlee = Integer.parseInt(opt.get("--vs-crawlee"));
        int perHostOpt = Integer.parseInt(opt.get("--per-host"));
        int jobs = Integer.parseInt(opt.get("--jobs"));
        int vsJobs = Integer.parseInt(opt.get("--vs-jobs"));
        if (jobs < 1 || jobs > 10 || vsJobs < 0 || vsJobs > 10 || (jobs > 1 && (vsCrawlee > 0 || vsJobs > 0))) {
            System.err.println("--jobs and --vs-jobs take 1 to 10; --jobs is 1 with --vs-crawlee or --vs-jobs");
            System.exit(2);
        }
        int runs = vsCrawlee > 0 ? vsCrawlee : Integer.parseInt(opt.get("--runs"));
        if (vsJobs > 0 && runs == 1) {
            runs = 3;
        }
        List<String> jvm = new ArrayList<>();
        if (!opt.get("--pod-memory").isEmpty() && !opt.get("--pod-memory").equals("0")) {
            // The JVM sizes its heap from the memory it sees: in a pod that is the container limit (the chart's
            // resources.limits.memory, 768Mi), here it would be the whole VM. MaxRAM makes it size as in the pod.
            jvm.add("-XX:MaxRAM=" + opt.get("--pod-memory"));
            // The images' JAVA_MAX_MEM_RATIO (Dockerfile.jvm): the heap's share of the pod's memory.
            jvm.add("-XX:MaxRAMPercentage=" + opt.get("--heap-percent"));
        }
        if (!opt.get("--jvm-options").isBlank()) {
            // Extra options for every service JVM (e.g. to try a GC setting before changing the images').
            jvm.addAll(List.of(opt.get("--jvm-options").trim().split("\\s+")));
        }
        if (!opt.get("--latency-log").isEmpty()) {
            latencyLog = Path.of(opt.get("--latency-log")).toAbsolutePath();
            java.nio.file.Files.createDirectories(latencyLog);
        }
        if (!opt.get("--jfr").isEmpty()) {
            Path dir = Path.of(opt.get("--jfr")).toAbsolutePath();
            java.nio.file.Files.createDirectories(dir);
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + dir + "/");
        }

        say("starting job-, event- and %d scrape-service process(es) against a fresh database and vhost", scrapers);
        String key = "bench-key";
        TrawlSystem.Options options = new TrawlSystem.Options().root(root).prefix("trawl_bench").apiKeys(key + "=bench")
                .scrapers(scrapers).env("TRAWL_FETCH_ALLOW_NETWORKS", "127.0.0.0/28")
                .logDir(root.resolve("e2e/target/bench-logs")).javaOptions(jvm);
        long boot = System.nanoTime();
        List<FixtureServer> hosts = new ArrayList<>();
        try (FixtureServer site = FixtureServer.start("127.0.0.2", 64);
                TrawlSystem system = TrawlSystem.start(options)) {
            hosts.add(site);
            for (int h = 1; h < Math.max(jobs, vsJobs); h++) {
                hosts.add(FixtureServer.start("127.0.0." + (2 + h), 64));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(system::close));
            say("services ready in %.1f s (logs in %s)", secs(boot), system.logDir());
            DirectorySite.robots(site, "");
            TrawlApi api = new TrawlApi(system.job().baseUrl(), system.event().baseUrl(), key);
            int perHost = perHostOpt > 0 ? perHostOpt : vsCrawlee > 0 ? 64 : 16 * scrapers;

            boolean vacuum = Shell.psql("postgres", "show autovacuum").strip().equals("off");
            if (vacuum) {
                say("autovacuum is off on this server: the bench vacuums its database after every Trawl crawl "
                        + "(VACUUM (ANALYZE), outside the timed crawl), as autovacuum would meanwhile");
            }
            Runnable tidy = () -> {
                if (vacuum) {
                    Shell.psql(system.space(), "VACUUM (ANALYZE)");
                }
            };
            if (warmup > 0) {
                DirectorySite w = DirectorySite.ofAbout("warmup", warmup).mount(site);
                say("warm-up crawl: %d pages", w.pageCount());
                crawl(api, List.of(site), List.of(w), perHost, key, null);
                tidy.run();
            }
            int steady = Integer.parseInt(opt.get("--steady"));
            int steadyCrawls = 0;
            if (steady > 0) {
                say("warming up until three crawls of %d pages in a row agree within %d %%", pages, steady);
                List<Double> rates = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    DirectorySite w = DirectorySite.ofAbout("steady" + i, pages).mount(site);
                    Result r = crawl(api, List.of(site), List.of(w), perHost, key, system);
                    tidy.run();
                    steadyCrawls++;
                    rates.add(r.pages / r.seconds);
                    if (rates.size() >= 3) {
                        List<Double> lastThree = rates.subList(rates.size() - 3, rates.size());
                        double low = Collections.min(lastThree);
                        if (Collections.max(lastThree) - low <= low * steady / 100.0) {
                            break;
                        }
                    }
                }
            }
            DirectorySite measured = DirectorySite.ofAbout("bench", pages / jobs).mount(site);
            List<DirectorySite> sites = new ArrayList<>(List.of(measured));
            for (int h = 1; h < jobs; h++) {
                sites.add(DirectorySite.ofAbout("bench", pages / jobs).mount(hosts.get(h)));
            }
            say("measured crawl: %d job(s) on %d host(s), %d pages (%d items expected) each, perHostConcurrency %d, "
                    + "perHostDelayMs 0", jobs, jobs, measured.pageCount(), measured.businessCount(), perHost);
            List<DirectorySite> spread = new ArrayList<>();
            for (int h = 0; h < vsJobs; h++) {
                spread.add(DirectorySite.ofAbout("spread", pages / vsJobs).mount(hosts.get(h)));
            }
            if (vsJobs > 0) {
                say("alternating with: %d jobs on %d hosts at once, %d pages each", vsJobs, vsJobs,
                        spread.get(0).pageCount());
            }
            List<Result> trawlRuns = new ArrayList<>();
            List<Result> spreadRuns = new ArrayList<>();
            List<Double> crawleeRuns = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                if (vsCrawlee > 0) {
                    crawleeRuns.add(crawlee(root.resolve(opt.get("--crawlee-modules")), root, measured.seed(site),
                            Integer.parseInt(opt.get("--crawlee-concurrency")), measured));
                }
                trawlRuns.add(crawl(api, hosts, sites, perHost, key, system));
                tidy.run();
                if (vsJobs > 0) {
                    spreadRuns.add(crawl(api, hosts, spread, perHost, key, system));
                }
            }
            List<Result> byRate = new ArrayList<>(trawlRuns);
            byRate.sort(java.util.Comparator.comparingDouble(r -> r.pages / r.seconds));
            Result crawl = byRate.get(byRate.size() / 2);

            say("load: %d x POST /jobs then %d x GET /jobs/{id}, %d concurrent clients", requests, requests * 2,
                    concurrency);
            DirectorySite tiny = new DirectorySite("load", 1, 1, 1).mount(site);
            ObjectNode oneshot = tiny.spec(site, "bench load", 4);
            oneshot.putArray("seeds").add(site.url(tiny.prefix() + "biz/0"));
            ((ObjectNode) oneshot.get("crawl")).put("maxDepth", 0);
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            long[] post = load(concurrency, requests, i -> {
                TrawlApi.Response r = api.post(api.jobBase() + "/api/v1/jobs", oneshot.toString(), "Content-Type",
                        "application/json");
                if (r.status() != 201) {
                    throw new IllegalStateException("POST /jobs: " + r);
                }
                ids.add(r.json().get("id").asText());
            });
            long[] get = load(concurrency, requests * 2, i -> {
                TrawlApi.Response r = api.get(api.jobBase() + "/api/v1/jobs/" + ids.get(i % ids.size()));
                if (r.status() != 200) {
                    throw new IllegalStateException("GET /jobs/{id}: " + r);
                }
            });

            Map<String, Long> rss = new LinkedHashMap<>();
            for (ServiceProcess p : system.all()) {
                rss.put(p.name(), p.samplePeakRss());
            }

            String cpu = Runtime.getRuntime().availableProcessors() + " cores";
            System.out.println();
            System.out.printf("Trawl benchmark — %s, %s, Java %s, %d scrape-service process(es)%n",
                    ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")), cpu,
                    System.getProperty("java.version"), scrapers);
            System.out.printf("crawl           %d job(s) on %d host(s) at once, %,d pages, %,d items in %.1f s: %.1f pages/s, "
                    + "%.1f items/s (POST /jobs → the last job.completed on a WebSocket)%n", jobs, jobs, crawl.pages,
                    crawl.items, crawl.seconds, crawl.pages / crawl.seconds, crawl.items / crawl.seconds);
            System.out.printf("event latency   %,d live events, event time → WebSocket client: p50 %.1f ms, p99 %.1f ms, "
                    + "max %.1f ms%n", crawl.latencies.length, pct(crawl.latencies, 50), pct(crawl.latencies, 99),
                    pct(crawl.latencies, 100));
            if (!crawl.lagSplit.isEmpty()) {
                System.out.printf("  of which       %s%n", crawl.lagSplit);
            }
            System.out.printf("POST /jobs      %,d requests, %d concurrent: p50 %.1f ms, p99 %.1f ms (%.0f req/s)%n",
                    post.length - 1, concurrency, pct(Arrays.copyOf(post, post.length - 1), 50),
                    pct(Arrays.copyOf(post, post.length - 1), 99), (post.length - 1) / (post[post.length - 1] / 1e9));
            System.out.printf("GET /jobs/{id}  %,d requests, %d concurrent: p50 %.1f ms, p99 %.1f ms (%.0f req/s)%n",
                    get.length - 1, concurrency, pct(Arrays.copyOf(get, get.length - 1), 50),
                    pct(Arrays.copyOf(get, get.length - 1), 99), (get.length - 1) / (get[get.length - 1] / 1e9));
            System.out.printf("box             busy %.0f %% of %s during the median crawl; CPU per page: %s%n",
                    crawl.busy * 100, cpu, crawl.cpuPerPage);
            if (vsCrawlee > 0) {
                List<Double> t = trawlRuns.stream().map(r -> r.pages / r.seconds).sorted().toList();
                List<Double> c = crawleeRuns.stream().sorted().toList();
                double tm = t.get(t.size() / 2);
                double cm = c.get(c.size() / 2);
                System.out.printf("vs Crawlee      %d alternating runs each (in run order below), same site, same box "
                        + "(Trawl warmed up by a ~%d-page crawl first%s)%n", vsCrawlee, warmup, steady > 0
                        ? String.format(", then %d crawls of %d pages until three in a row agreed within %d %%",
                                steadyCrawls, pages, steady) : "");
                System.out.printf("  Crawlee %s   CheerioCrawler, concurrency %s, in-memory storage: %s pages/s, median %.1f%n",
                        crawleeVersion(root.resolve(opt.get("--crawlee-modules"))), opt.get("--crawlee-concurrency"),
                        fmt(crawleeRuns), cm);
                System.out.printf("  Trawl           perHostConcurrency %d, perHostDelayMs 0, robots off: %s pages/s, "
                        + "median %.1f%n", perHost, fmt(trawlRuns.stream().map(r -> r.pages / r.seconds).toList()), tm);
                System.out.printf("  ratio           Trawl / Crawlee = %.2f×%n", tm / cm);
            }
            if (vsJobs > 0) {
                List<Double> one = trawlRuns.stream().map(r -> r.pages / r.seconds).toList();
                List<Double> many = spreadRuns.stream().map(r -> r.pages / r.seconds).toList();
                double om = one.stream().sorted().toList().get(one.size() / 2);
                double mm = many.stream().sorted().toList().get(many.size() / 2);
                System.out.printf("vs %d jobs      %d alternating runs each (in run order below), the same pages in all%n",
                        vsJobs, runs);
                System.out.printf("  1 job, 1 host     %s pages/s, median %.1f%n", fmt(one), om);
                System.out.printf("  %d jobs, %d hosts  %s pages/s in total, median %.1f%n", vsJobs, vsJobs, fmt(many), mm);
                System.out.printf("  ratio           %d jobs / 1 job = %.2f×%n", vsJobs, mm / om);
            }
            StringBuilder mem = new StringBuilder();
            rss.forEach((name, kb) -> mem.append(String.format("%s %d MB, ", name, kb / 1024)));
            System.out.printf("peak RSS        %s (JVM sized as in a pod: %s)%n", mem.substring(0, mem.length() - 2),
                    jvm.stream().filter(o -> o.startsWith("-XX:MaxRAM")).reduce((a, b) -> a + " " + b).orElse("the whole VM"));
            System.out.println();
        } finally {
            for (int h = 1; h < hosts.size(); h++) {
                hosts.get(h).close();
            }
        }
    }

    record Result(long pages, long items, double seconds, long[] latencies, double busy, String cpuPerPage,
            String lagSplit) {
    }

    /**
     * event-service's own view of the same events, from its Prometheus histograms (so bucket bounds, not exact
     * values): commit → arrival from RabbitMQ ({@code trawl.feed.arrival.lag}) and commit → send to the
     * subscriber ({@code trawl.feed.lag}), and the gap heals (Postgres reads) in between. The difference between
     * the send and the client's receipt is the WebSocket and the bench's own JVM.
     */
    record FeedLag(Map<String, Double> samples) {

        static FeedLag read(TrawlSystem system) {
            Map<String, Double> samples = new LinkedHashMap<>();
            List<String> bases = new ArrayList<>(List.of(system.event().baseUrl()));
            system.scrapers().forEach(s -> bases.add(s.baseUrl()));
            for (String base : bases) {
                try {
                    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/q/metrics")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    for (String line : r.body().split("\n")) {
                        if ((line.startsWith("trawl_feed_") || line.startsWith("trawl_events_publish_lag"))) {
                            int space = line.lastIndexOf(' ');
                            samples.merge(line.substring(0, space), Double.parseDouble(line.substring(space + 1)),
                                    Double::sum);
                        }
                    }
                } catch (Exception e) {
                    say("cannot read the metrics of %s: %s", base, e);
                }
            }
            return new FeedLag(samples);
        }

        /** The split of the events between {@code before} and now, as one line. */
        String since(FeedLag before) {
            return String.format("scrape-service publish p50 ≤ %s, p99 ≤ %s; event-service arrival p50 ≤ %s, "
                    + "p99 ≤ %s; send p50 ≤ %s, p99 ≤ %s ms (histogram bounds); gap heals %.0f, tail heals %.0f",
                    bound(before, "trawl_events_publish_lag_seconds", 0.50),
                    bound(before, "trawl_events_publish_lag_seconds", 0.99),
                    bound(before, "trawl_feed_arrival_lag_seconds", 0.50), bound(before, "trawl_feed_arrival_lag_seconds", 0.99),
                    bound(before, "trawl_feed_lag_seconds", 0.50), bound(before, "trawl_feed_lag_seconds", 0.99),
                    delta(before, "trawl_feed_gap_heals_total{", "cause=\"gap\""),
                    delta(before, "trawl_feed_gap_heals_total{", "cause=\"tail\""));
        }

        private double delta(FeedLag before, String prefix, String label) {
            double sum = 0;
            for (Map.Entry<String, Double> sample : samples.entrySet()) {
                if (sample.getKey().startsWith(prefix) && sample.getKey().contains(label)) {
                    sum += sample.getValue() - before.samples.getOrDefault(sample.getKey(), 0.0);
                }
            }
            return sum;
        }

        /** The upper bound (ms) of the bucket holding quantile {@code q} of the observations since {@code before}. */
        private String bound(FeedLag before, String histogram, double q) {
            java.util.TreeMap<Double, Double> cumulative = new java.util.TreeMap<>();
            String prefix = histogram + "_bucket{le=\"";
            samples.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    String le = key.substring(prefix.length(), key.indexOf('"', prefix.length()));
                    double upper = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    cumulative.put(upper, value - before.samples.getOrDefault(key, 0.0));
                }
            });
            double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
            if (total == 0) {
                return "n/a";
            }
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                if (bucket.getValue() >= q * total) {
                    return bucket.getKey().isInfinite() ? "inf" : String.format("%.1f", bucket.getKey() * 1000);
                }
            }
            return "inf";
        }
    }

    static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format("%.1f", v)).collect(java.util.stream.Collectors.joining(", "));
    }

    static String crawleeVersion(Path modules) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.nio.file.Files.readString(modules.resolve("crawlee/package.json")))
                    .path("version").asText("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Crawls the site with Crawlee's CheerioCrawler in a node process; pages/s. */
    static double crawlee(Path modules, Path root, String seed, int concurrency, DirectorySite site) throws Exception {
        long[] box0 = boxTicks();
        Process p = new ProcessBuilder("node", root.resolve("bench/crawlee.cjs").toString(), modules.toString(), seed,
                Integer.toString(concurrency)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("crawlee failed: " + out);
        }
        long[] box1 = boxTicks();
        JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        long pages = r.path("pages").asLong();
        double seconds = r.path("seconds").asDouble();
        if (pages != site.pageCount() || r.path("items").asLong() != site.businessCount()) {
            throw new IllegalStateException("crawlee: expected " + site.pageCount() + " pages and " + site.businessCount()
                    + " items, got " + out);
        }
        say("  Crawlee: %d pages in %.1f s (%.1f pages/s), box busy %.0f %%", pages, seconds, pages / seconds,
                busy(box0, box1) * 100);
        return pages / seconds;
    }

    /** /proc/stat's first line: {busy, total} jiffies of the whole box. */
    static long[] boxTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 1};
        }
    }

    static double busy(long[] a, long[] b) {
        return (b[0] - a[0]) / (double) Math.max(1, b[1] - a[1]);
    }

    /** utime + stime of a process, in jiffies (0 when unreadable). */
    static long cpuTicks(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * Submits one crawl job per site (site i on host i) at once and watches each on a WebSocket until its
     * job.completed; pages/s over all of them, up to the last completion; live event latencies in µs.
     */
    static Result crawl(TrawlApi api, List<FixtureServer> servers, List<DirectorySite> sites, int perHost, String key,
            TrawlSystem system) {
        long[] box0 = boxTicks();
        Map<String, Long> cpu0 = new LinkedHashMap<>();
        if (system != null) {
            system.all().forEach(p -> cpu0.put(p.name(), cpuTicks(p.pid())));
        }
        FeedLag lag0 = system == null ? null : FeedLag.read(system);
        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>();
        List<EventFeed> feeds = new ArrayList<>();
        try {
            for (int i = 0; i < sites.size(); i++) {
                ObjectNode spec = sites.get(i).spec(servers.get(i), "bench " + sites.get(i).key(), perHost);
                if (system != null) {
                    spec.put("respectRobots", false);
                }
                String id = api.createJob(spec).get("id").asText();
                ids.add(id);
                feeds.add(EventFeed.open(api.eventBase(), id, key, 0, 0));
            }
            long pages = 0;
            long items = 0;
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                EventFeed.Received end = feeds.get(i).awaitTerminal(Duration.ofMinutes(30));
                if (!end.type().equals("job.completed")) {
                    throw new IllegalStateException("job " + ids.get(i) + " ended " + end.type());
                }
            }
            double seconds = secs(t0);
            for (int i = 0; i < ids.size(); i++) {
                JsonNode done = api.job(ids.get(i));
                long p = done.path("progress").path("tasksDone").asLong();
                long n = done.path("progress").path("items").asLong();
                if (p != sites.get(i).pageCount() || n != sites.get(i).businessCount()) {
                    throw new IllegalStateException("job " + ids.get(i) + ": expected " + sites.get(i).pageCount()
                            + " pages and " + sites.get(i).businessCount() + " items, got " + done.path("progress"));
                }
                pages += p;
                items += n;
                feeds.get(i).received().stream().filter(EventFeed.Received::live)
                        .forEach(r -> latencies.add(Duration.between(r.time(), r.receivedAt()).toNanos() / 1000));
            }
            long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            writeLatencyLog(feeds);
            double busy = busy(box0, boxTicks());
            StringBuilder perPage = new StringBuilder();
            if (system != null) {
                // jiffies are 10 ms (USER_HZ 100)
                long total = pages;
                system.all().forEach(p -> perPage.append(String.format("%s %.2f ms, ", p.name(),
                        (cpuTicks(p.pid()) - cpu0.get(p.name())) * 10.0 / total)));
            }
            String cpuPerPage = perPage.length() == 0 ? "" : perPage.substring(0, perPage.length() - 2);
            say("  Trawl: %d pages in %.1f s (%.1f pages/s), box busy %.0f %%, event p99 %.1f ms, CPU per page: %s", pages,
                    seconds, pages / seconds, busy * 100, pct(lat, 99), cpuPerPage);
            String split = lag0 == null ? "" : FeedLag.read(system).since(lag0);
            return new Result(pages, items, seconds, lat, busy, cpuPerPage, split);
        } finally {
            feeds.forEach(EventFeed::close);
        }
    }

    /** Where {@code --latency-log} writes each crawl's live events (none when null). */
    static Path latencyLog;
    static int crawlsLogged;

    /** One CSV per crawl: arrival (epoch ms), event time (epoch ms), latency (ms), seq, type; to line stalls up with GC logs. */
    static void writeLatencyLog(List<EventFeed> feeds) {
        if (latencyLog == null) {
            return;
        }
        StringBuilder csv = new StringBuilder("received_ms,time_ms,latency_ms,seq,type\n");
        feeds.forEach(f -> f.received().stream().filter(EventFeed.Received::live).forEach(r -> csv.append(String.format(
                "%d,%d,%.3f,%d,%s%n", r.receivedAt().toEpochMilli(), r.time().toEpochMilli(),
                Duration.between(r.time(), r.receivedAt()).toNanos() / 1e6, r.seq(), r.type()))));
        Path file = latencyLog.resolve(String.format("crawl-%02d.csv", ++crawlsLogged));
        try {
            java.nio.file.Files.writeString(file, csv);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    interface Call {
        void run(int i) throws Exception;
    }

    /** Runs {@code n} calls on {@code c} threads; returns sorted latencies in µs plus, last, the wall time in ns. */
    static long[] load(int c, int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c);
        long[] lat = new long[n + 1];
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < c; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    long s = System.nanoTime();
                    call.run(i);
                    lat[i] = (System.nanoTime() - s) / 1000;
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        long wall = System.nanoTime() - t0;
        pool.shutdown();
        Arrays.sort(lat, 0, n);
        lat[n] = wall;
        return lat;
    }

    /** Percentile (nearest rank) of sorted µs values, in ms. */
    static double pct(long[] sortedMicros, double p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMicros.length);
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, rank - 1))] / 1000.0;
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static void say(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
