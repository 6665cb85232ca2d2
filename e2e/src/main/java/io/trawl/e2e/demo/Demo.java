package io.trawl.e2e.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.FixtureServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./trawl demo} (via {@code bin/trawl-demo}, which makes sure the services run and scrape-service allows the
 * fixture's address): serves a small business directory on a loopback address, submits a crawl of it to the
 * running services, prints the live event feed and progress until the job finishes, then the item count, a few
 * rows and the commands that fetch the results.
 *
 * <p>Arguments: {@code --api http://localhost:8080 --events http://localhost:8081 --key dev-key --host 127.0.0.2}.
 */
public final class Demo {

    private static final int SHOWN_TASK_EVENTS = 6;

    private final TrawlApi api;
    private final String key;
    private final boolean tty = System.console() != null;
    private final AtomicInteger taskEvents = new AtomicInteger();
    private final AtomicLong lastProgressLine = new AtomicLong();
    private volatile String progress = "";
    private volatile int pagesTotal;
    private final long t0 = System.nanoTime();

    private Demo(TrawlApi api, String key) {
        this.api = api;
        this.key = key;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--api", "http://localhost:8080", "--events",
                "http://localhost:8081", "--key", "dev-key", "--host", "127.0.0.2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        TrawlApi api = new TrawlApi(opt.get("--api"), opt.get("--events"), opt.get("--key"));
        System.exit(new Demo(api, opt.get("--key")).run(opt.get("--host")));
    }

    private int run(String host) {
        try (FixtureServer site = FixtureServer.start(host, 16)) {
            DirectorySite.robots(site, "");
            DirectorySite directory = new DirectorySite("directory", 6, 4, 10).mount(site);
            pagesTotal = directory.pageCount();
            System.out.printf("%nA business directory is being served at %s (%d cities, %d businesses, a robots.txt).%n",
                    directory.seed(site), directory.cities(), directory.businessCount());

            JsonNode job;
            try {
                job = api.createJob(directory.spec(site, "demo: business directory", 16));
            } catch (IllegalStateException e) {
                System.err.println("\nCould not submit the job: " + e.getMessage());
                System.err.println("Is job-service running (./trawl status) and is the key right (TRAWL_API_KEYS)?");
                return 1;
            }
            String id = job.get("id").asText();
            System.out.printf("Submitted job %s: follow a.city, a.page, a.listing; extract article.biz on /biz/ pages.%n",
                    id);
            System.out.printf("Watch it in the dashboard: %s  (sign in with the key %s)%n", dashboard(id), key);
            System.out.printf("Live feed: %s/ws/jobs/%s  (event-service, WebSocket)%n%n",
                    api.eventBase().replaceFirst("^http", "ws"), id);
            System.out.printf("  %5s  %-15s %s%n", "seq", "event", "detail");

            EventFeed feed = EventFeed.open(api.eventBase(), id, key, 0, 0, this::show);
            EventFeed.Received end;
            try {
                end = feed.awaitTerminal(Duration.ofMinutes(5));
            } finally {
                feed.close();
            }
            clearProgress();
            JsonNode done = api.job(id);
            JsonNode p = done.path("progress");
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%nJob %s %s in %.1f s: %d pages fetched, %d failed, %d items (%.0f pages/s).%n", id,
                    end.type().substring(4), seconds, p.path("tasksDone").asLong(), p.path("tasksFailed").asLong(),
                    p.path("items").asLong(), done.path("rates").path("pagesPerSecond").asDouble());
            printSample(id);
            String auth = "-H 'Authorization: Bearer " + key + "'";
            String results = api.jobBase() + "/api/v1/jobs/" + id + "/results";
            System.out.printf("%nGet the items:%n");
            System.out.printf("  curl -s %s -H 'Accept: text/csv' %s > businesses.csv%n", auth, results);
            System.out.printf("  curl -s %s -H 'Accept: application/x-ndjson' %s%n", auth, results);
            System.out.printf("Replay the job's %d events:%n  curl -s %s '%s/api/v1/jobs/%s/events?after=0&limit=1000'%n",
                    done.path("lastEventSeq").asLong(), auth, api.eventBase(), id);
            System.out.printf("%nThe job in the dashboard (counters, timeline, tasks, results): %s%n", dashboard(id));
            return end.type().equals("job.completed") ? 0 : 1;
        }
    }

    /** The dashboard page of a job (job-service serves the dashboard under /ui). */
    private String dashboard(String id) {
        return api.jobBase() + "/ui/jobs/" + id;
    }

    /** Prints one event: every job event, the first few task events, every failure; the rest feed the progress. */
    private synchronized void show(EventFeed.Received e) {
        JsonNode d = e.data();
        String detail = null;
        switch (e.type()) {
            case "job.created" -> detail = d.path("tasks").asInt() + " seed page(s)";
            case "job.started" -> detail = "first tasks dispatched to the workers";
            case "job.progress", "job.completed", "job.failed" -> {
                progress = String.format("%d/%d pages, %d items", d.path("tasksDone").asLong() + d.path("tasksFailed")
                        .asLong(), d.path("tasksTotal").asLong(), d.path("items").asLong());
                detail = e.type().equals("job.progress") && tty ? null : progress;
            }
            case "job.paused", "job.resumed", "job.killed" -> detail = d.toString();
            case "task.failed", "task.retrying" -> detail = path(d) + "  " + d.path("error").asText();
            default -> {
                int n = taskEvents.incrementAndGet();
                if (n <= SHOWN_TASK_EVENTS) {
                    detail = switch (e.type()) {
                        case "task.started" -> path(d) + "  (worker " + d.path("worker").asText() + ")";
                        case "task.succeeded" -> path(d) + "  " + d.path("httpStatus").asInt() + ", "
                                + d.path("items").asInt() + " item(s), " + d.path("links").asInt() + " new link(s), "
                                + d.path("durationMs").asLong() + " ms";
                        default -> path(d);
                    };
                } else if (n == SHOWN_TASK_EVENTS + 1) {
                    clearProgress();
                    System.out.printf("  %5s  %s%n", "…", "(task events keep streaming; the bar counts them)");
                }
                if (e.type().equals("task.succeeded")) {
                    succeeded.incrementAndGet();
                }
            }
        }
        if (detail != null) {
            clearProgress();
            System.out.printf("  %5d  %-15s %s%n", e.seq(), e.type(), detail);
        }
        drawProgress(e.seq(), detail != null || e.type().startsWith("job."));
    }

    private final AtomicInteger succeeded = new AtomicInteger();

    private final AtomicLong lastDraw = new AtomicLong();

    private void drawProgress(long seq, boolean force) {
        int done = succeeded.get();
        if (done == 0 || (tty && !force && System.nanoTime() - lastDraw.get() < 100_000_000L)) {
            return;
        }
        lastDraw.set(System.nanoTime());
        int width = 30;
        int filled = pagesTotal == 0 ? 0 : Math.min(width, done * width / pagesTotal);
        String line = String.format("  [%s%s] %d/%d pages fetched · event %d · %.1f s", "#".repeat(filled),
                ".".repeat(width - filled), done, pagesTotal, seq, (System.nanoTime() - t0) / 1e9);
        if (tty) {
            System.out.print("\r" + line);
            System.out.flush();
        } else if (System.nanoTime() - lastProgressLine.get() > 2_000_000_000L) {
            lastProgressLine.set(System.nanoTime());
            System.out.println(line);
        }
    }

    private void clearProgress() {
        if (tty) {
            System.out.print("\r" + " ".repeat(100) + "\r");
        }
    }

    private String path(JsonNode data) {
        String url = data.path("url").asText();
        int slash = url.indexOf('/', url.indexOf("://") + 3);
        return slash < 0 ? url : url.substring(slash);
    }

    private void printSample(String id) {
        TrawlApi.Response csv = api.exportCsv(id);
        List<String> lines = csv.body().lines().limit(4).toList();
        System.out.printf("%nFirst rows of the CSV export:%n");
        lines.forEach(l -> System.out.println("  " + (l.length() > 150 ? l.substring(0, 150) + "…" : l)));
    }
}
