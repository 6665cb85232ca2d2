package io.trawl.scrape.worker;

import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixture web site every worker test crawls, served on 127.0.0.1 (allow-listed in %test). Paths carry a
 * per-test key, so request counts of one test are its own.
 * <ul>
 * <li>{@code /site/N/key/n} — page n of an N-page site: two products, links to its children 2n+1 and 2n+2,
 * its parent, the root, itself with a fragment (duplicates and cycles); page 3 also links to
 * {@code /private/key} (disallowed by robots.txt) and another host.</li>
 * <li>{@code /slow/N/ms/key/n} — the same pages, answered after ms milliseconds; connections closed before
 * the answer are counted ({@link #closedEarly}).</li>
 * <li>{@code /flaky/key} — 503 twice, then a page with one product. {@code /busy/key} — 429 with Retry-After.</li>
 * <li>{@code /hostile/key/n} — a page of links whose paths are 40 'a's and a 'b' (regex-bomb bait).</li>
 * <li>{@code /image/key} — a PNG. {@code /to-internal/key} — a redirect to 127.0.0.2 (not allow-listed).</li>
 * </ul>
 */
final class TestSite {

    static final String ROBOTS = "User-agent: trawlbot\nDisallow: /private/\nCrawl-delay: 1\n";

    private static volatile TestSite instance;

    final FixtureServer server;
    private final Vertx vertx;
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> closedEarly = new ConcurrentHashMap<>();

    private TestSite() {
        vertx = Vertx.vertx();
        server = FixtureServer.start(vertx, "127.0.0.1");
        server.on("/robots.txt", req -> req.response().putHeader("Content-Type", "text/plain").end(ROBOTS))
                .onPrefix("/site/", req -> page(req, req.path().substring("/site/".length()), 0))
                .onPrefix("/slow/", req -> {
                    String rest = req.path().substring("/slow/".length());
                    String[] parts = rest.split("/", 3);
                    page(req, parts[0] + "/" + parts[2], Long.parseLong(parts[1]));
                })
                .onPrefix("/flaky/", req -> {
                    int n = flaky.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
                    if (n <= 2) {
                        req.response().setStatusCode(503).end("try again");
                    } else {
                        html(req, "<html><body><div class=\"product\"><span class=\"name\">Flaky</span>"
                                + "<span class=\"price\">1.00</span></div></body></html>");
                    }
                })
                .onPrefix("/hostile/", req -> {
                    // links whose path makes (.*a){12}$ backtrack for minutes on java.util.regex
                    StringBuilder body = new StringBuilder("<html><body>");
                    for (int i = 0; i < 5; i++) {
                        body.append("<a class=\"child\" href=\"/hostile-target/").append("a".repeat(40))
                                .append('b').append(i).append("\">x</a>");
                    }
                    html(req, body.append("</body></html>").toString());
                })
                .onPrefix("/busy/", req -> req.response().setStatusCode(429).putHeader("Retry-After", "2").end("slow down"))
                .onPrefix("/image/", req -> req.response().putHeader("Content-Type", "image/png").end("\u0089PNG"))
                .onPrefix("/to-internal/", req -> req.response().setStatusCode(302)
                        .putHeader("Location", "http://127.0.0.2:" + server.port() + "/site/1/x/0").end());
    }

    static TestSite get() {
        if (instance == null) {
            synchronized (TestSite.class) {
                if (instance == null) {
                    instance = new TestSite();
                }
            }
        }
        return instance;
    }

    String url(String path) {
        return server.url(path);
    }

    /** The politeness host key of the site ({@code 127.0.0.1:port}). */
    String hostKey() {
        return "127.0.0.1:" + server.port();
    }

    int count(String path) {
        return server.count(path);
    }

    int closedEarly(String path) {
        AtomicInteger n = closedEarly.get(path);
        return n == null ? 0 : n.get();
    }

    /** {@code rest} = "N/key/n". */
    private void page(HttpServerRequest req, String rest, long delayMs) {
        String[] parts = rest.split("/");
        int size = Integer.parseInt(parts[0]);
        String key = parts[1];
        int n = Integer.parseInt(parts[2]);
        if (n >= size) {
            req.response().setStatusCode(404).end();
            return;
        }
        String base = req.path().substring(0, req.path().lastIndexOf('/') + 1);
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><title>Page ").append(n)
                .append("</title></head><body>");
        for (String suffix : new String[] {"a", "b"}) {
            html.append("<div class=\"product\"><span class=\"name\">P").append(n).append('-').append(suffix)
                    .append("</span><span class=\"price\">").append(n).append(".50</span><a class=\"more\" href=\"")
                    .append(base).append(n).append("\">more</a></div>");
        }
        for (int child : new int[] {2 * n + 1, 2 * n + 2}) {
            if (child < size) {
                html.append("<a class=\"child\" href=\"").append(child).append("\">child</a>");
                html.append("<a class=\"child\" href=\"").append(child).append("#again\">child again</a>");
            }
        }
        html.append("<a class=\"nav\" href=\"").append((n - 1) / 2).append("\">parent</a>")
                .append("<a class=\"nav\" href=\"").append(base).append("0\">root</a>")
                .append("<a class=\"nav\" href=\"#top\">self</a>");
        if (n == 3) {
            html.append("<a class=\"child\" href=\"/private/").append(key).append("\">private</a>")
                    .append("<a class=\"child\" href=\"http://other.example/").append(key).append("\">elsewhere</a>");
        }
        html.append("</body></html>");
        if (delayMs <= 0) {
            html(req, html.toString());
            return;
        }
        String path = req.path();
        long timer = vertx.setTimer(delayMs, id -> {
            if (!req.response().closed()) {
                html(req, html.toString());
            }
        });
        req.connection().closeHandler(v -> {
            if (!req.response().ended()) {
                vertx.cancelTimer(timer);
                closedEarly.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            }
        });
    }

    private static void html(HttpServerRequest req, String html) {
        req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html);
    }
}
