import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.FixtureServer;
import io.trawl.e2e.fixture.JsDirectorySite;
import io.trawl.e2e.system.ServiceProcess;
import io.trawl.e2e.system.TrawlSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The browser rendering benchmark (run it with bench/browser): one worker with browser capacity crawls the
 * fixture's plain-HTML directory statically and its JavaScript variant in Chromium; pages/s of both, and the
 * worker's memory by process group (PSS from /proc/<pid>/smaps_rollup: a page shared by n processes counts 1/n in
 * each, so Chromium's shared pages are counted once), idle and at the browser crawl's peak.
 * Options: --cities 3 --pages-per-city 2 --per-page 10 --contexts 4 --root .
 */
public class BrowserBench {

    /** PSS in KiB of the worker's JVM, its Playwright drivers (node) and Chromium (all its processes). */
    record Memory(long jvm, long drivers, long chromium, int chromiumProcesses) {
        long total() {
            return jvm + drivers + chromium;
        }

        Memory max(Memory o) {
            return o.total() > total() ? o : this;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--cities", "3", "--pages-per-city", "2", "--per-page", "10",
                "--contexts", "4", "--root", "."));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opt.containsKey(args[i])) {
                System.err.println("unknown option " + args[i] + "; options: " + opt);
                System.exit(2);
            }
            opt.put(args[i], args[i + 1]);
        }
        int cities = Integer.parseInt(opt.get("--cities"));
        int pagesPerCity = Integer.parseInt(opt.get("--pages-per-city"));
        int perPage = Integer.parseInt(opt.get("--per-page"));
        int contexts = Integer.parseInt(opt.get("--contexts"));
        Path root = Path.of(opt.get("--root")).toAbsolutePath().normalize();
        String key = "bench-key";
        TrawlSystem.Options options = new TrawlSystem.Options().root(root).prefix("trawl_bench_browser")
                .apiKeys(key + "=bench").scrapers(0).browsers(1)
                .env("TRAWL_FETCH_ALLOW_NETWORKS", "127.0.0.2/32")
                .env("TRAWL_BROWSER_CONTEXTS", Integer.toString(contexts))
                .logDir(root.resolve("e2e/target/bench-browser-logs"));
        say("starting job-, event-service and one browser worker (%d contexts)", contexts);
        long boot = System.nanoTime();
        try (FixtureServer server = FixtureServer.start("127.0.0.2", 32);
                TrawlSystem system = TrawlSystem.start(options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(system::close));
            say("services ready in %.1f s (logs in %s)", secs(boot), system.logDir());
            DirectorySite.robots(server, "");
            TrawlApi api = new TrawlApi(system.job().baseUrl(), system.event().baseUrl(), key);
            ServiceProcess worker = system.browsers().get(0);

            // Warm-up: both fetchers once (the JIT, Chromium's start, the drivers' start).
            crawl(api, key, new DirectorySite("warm-static", 1, 1, 8).mount(server).spec(server, "warm static", 16),
                    10, 8);
            JsDirectorySite warm = new JsDirectorySite("warm-js", 1, 1, 8).mount(server);
            crawl(api, key, warm.spec(server, "warm browser", 16, "browser"), warm.pageCount(), warm.businessCount());
            Memory idle = memory(worker.pid());

            DirectorySite plain = new DirectorySite("static", cities, pagesPerCity, perPage).mount(server);
            double staticSeconds = crawl(api, key, plain.spec(server, "bench static", 16), plain.pageCount(),
                    plain.businessCount());

            JsDirectorySite js = new JsDirectorySite("js", cities, pagesPerCity, perPage).mount(server);
            AtomicBoolean sampling = new AtomicBoolean(true);
            Memory[] peak = {idle};
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    peak[0] = peak[0].max(memory(worker.pid()));
                    sleep(200);
                }
            }, "pss-sampler");
            sampler.start();
            double browserSeconds;
            try {
                browserSeconds = crawl(api, key, js.spec(server, "bench browser", 16, "browser"), js.pageCount(),
                        js.businessCount());
            } finally {
                sampling.set(false);
                sampler.join();
            }
            Memory top = peak[0];

            System.out.printf("%nBrowser rendering on one worker (%d contexts), %d pages each (%d items), %d cores%n",
                    contexts, js.pageCount(), js.businessCount(), Runtime.getRuntime().availableProcessors());
            System.out.printf("  static  (HTTP fetcher, plain HTML)     %5.1f s  %6.1f pages/s%n", staticSeconds,
                    plain.pageCount() / staticSeconds);
            System.out.printf("  browser (Chromium, JavaScript variant) %5.1f s  %6.1f pages/s  (%.0fx slower)%n",
                    browserSeconds, js.pageCount() / browserSeconds,
                    (js.pageCount() / staticSeconds) / (js.pageCount() / browserSeconds));
            System.out.printf("Memory of the worker, PSS in MiB     JVM  drivers  Chromium (processes)  total%n");
            row("  idle, after a warm-up crawl", idle);
            row("  peak during the browser crawl", top);
            System.out.printf("  per context at the peak: %.0f MiB (drivers %.0f + Chromium %.0f) above idle%n",
                    (top.drivers + top.chromium - idle.drivers - idle.chromium) / 1024.0 / contexts,
                    (top.drivers - idle.drivers) / 1024.0 / contexts, (top.chromium - idle.chromium) / 1024.0 / contexts);
            System.out.printf("  a driver (node) per context: %.0f MiB each%n", top.drivers / 1024.0 / contexts);
        }
    }

    static void row(String label, Memory m) {
        System.out.printf("%-36s %5.0f  %7.0f  %8.0f (%d)  %9.0f%n", label, m.jvm / 1024.0, m.drivers / 1024.0,
                m.chromium / 1024.0, m.chromiumProcesses, m.total() / 1024.0);
    }

    /** Runs one job to completion; fails unless it has exactly the expected pages and items. Returns seconds. */
    static double crawl(TrawlApi api, String key, ObjectNode spec, int pages, int items) {
        long t0 = System.nanoTime();
        String id = api.createJob(spec).get("id").asText();
        try (EventFeed feed = EventFeed.open(api.eventBase(), id, key, 0, 0)) {
            EventFeed.Received end = feed.awaitTerminal(Duration.ofMinutes(20));
            double seconds = secs(t0);
            JsonNode done = api.job(id);
            if (!end.type().equals("job.completed") || done.path("progress").path("tasksDone").asLong() != pages
                    || done.path("progress").path("items").asLong() != items) {
                throw new IllegalStateException("job " + id + " (" + spec.path("name").asText() + "): expected "
                        + pages + " pages and " + items + " items, got " + end.type() + " " + done.path("progress"));
            }
            say("  %s: %d pages in %.1f s (%.1f pages/s)", spec.path("name").asText(), pages, seconds, pages / seconds);
            return seconds;
        }
    }

    static Memory memory(long pid) {
        long jvm = pss(pid);
        long drivers = 0;
        long chromium = 0;
        int n = 0;
        List<ProcessHandle> descendants = ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of());
        for (ProcessHandle p : descendants) {
            String comm = comm(p.pid());
            if (comm.startsWith("chrom")) {
                chromium += pss(p.pid());
                n++;
            } else if (comm.equals("node")) {
                drivers += pss(p.pid());
            }
        }
        return new Memory(jvm, drivers, chromium, n);
    }

    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** PSS in KiB, 0 when the process is gone. */
    static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static void say(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
