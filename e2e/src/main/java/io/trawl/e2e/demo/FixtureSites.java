package io.trawl.e2e.demo;

import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.FixtureServer;
import io.trawl.e2e.fixture.JsDirectorySite;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./trawl fixture} (via {@code bin/trawl-fixture}, which lets the workers' guard reach the address): serves
 * the business directory of the demo under {@code /directory/} and its JavaScript variant under {@code /js/} on a
 * fixed loopback address and port until it is stopped, and prints the curl commands that crawl them.
 *
 * <p>Arguments: {@code --host 127.0.0.2 --port 8090 --api http://localhost:8080 --key dev-key --browser yes|no}.
 */
public final class FixtureSites {

    /** The JavaScript variant: 3 cities x 2 listing pages x 10 businesses (67 pages, 60 items). */
    public static JsDirectorySite jsSite() {
        return new JsDirectorySite("js", 3, 2, 10);
    }

    private FixtureSites() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--host", "127.0.0.2", "--port", "8090",
                "--api", "http://localhost:8080", "--key", "dev-key", "--browser", "yes"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        FixtureServer server = FixtureServer.start(opt.get("--host"), Integer.parseInt(opt.get("--port")), 16);
        DirectorySite.robots(server, "");
        DirectorySite directory = new DirectorySite("directory", 6, 4, 10).mount(server);
        JsDirectorySite js = jsSite().mount(server);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        String auth = "-H 'Authorization: Bearer " + opt.get("--key") + "' -H 'Content-Type: application/json'";
        String jobs = opt.get("--api") + "/api/v1/jobs";
        System.out.printf("%nServing the fixture sites (Ctrl-C stops them):%n");
        System.out.printf("  %s  plain HTML, %d pages, %d businesses%n", directory.seed(server),
                directory.pageCount(), directory.businessCount());
        System.out.printf("  %s  built by JavaScript (links, items, an XHR \"load more\"), %d pages, %d businesses%n",
                js.seed(server), js.pageCount(), js.businessCount());
        if (!"yes".equals(opt.get("--browser"))) {
            System.out.printf("%nNo browser worker is running (./trawl status): the JS crawl waits in trawl.tasks.browser"
                    + " until one starts (apt-get install chromium, then ./trawl down && ./trawl up).%n");
        }
        System.out.printf("%nCrawl the JavaScript variant in a browser (%d items):%n", js.businessCount());
        System.out.printf("  curl -s %s %s -d '{\"name\": \"js-fixture\", \"seeds\": [\"%s\"],%n"
                + "    \"render\": \"browser\", \"browser\": {\"waitFor\": \"#ready\"},%n"
                + "    \"crawl\": {\"follow\": [\"a.city\", \"a.page\", \"a.listing\"], \"maxDepth\": 3},%n"
                + "    \"extract\": {\"on\": \"/js/biz/\", \"item\": \"article.biz\", \"fields\": {\"name\": \"h1\", "
                + "\"phone\": \".phone\", \"rating\": \".rating\"}}}'%n", auth, jobs, js.seed(server));
        System.out.printf("The same crawl with \"render\": \"static\" finds no item: the HTTP fetcher runs no script.%n");
        System.out.flush();
        stopped.await();
    }
}
