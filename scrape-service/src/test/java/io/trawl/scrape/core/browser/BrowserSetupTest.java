package io.trawl.scrape.core.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.guard.AddressGuard;
import io.trawl.scrape.core.fetch.FetchRequest;
import io.trawl.scrape.core.fetch.FetchResponse;
import io.trawl.scrape.core.fetch.FetcherUnavailableException;
import io.trawl.scrape.core.fetch.RenderRules;
import io.trawl.scrape.fixture.FixtureServer;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser's own setup is the worker's, not the page's (docs/browser.md, "Worker-side failures"): a slow
 * Chromium start does not eat the page's timeout, a Chromium that cannot start fails the fetch as
 * {@link FetcherUnavailableException} (the page was not tried), and a Chromium dies with the JVM that started it,
 * also on {@code kill -9}.
 */
class BrowserSetupTest {

    private static final String CHROMIUM = System.getProperty("trawl.test.chromium", "/usr/bin/chromium");
    private static final RenderRules READY = new RenderRules("#done", 0, Set.of(), 1280, 800);

    private static Vertx vertx;
    private static FixtureServer site;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        site = FixtureServer.start(vertx, "127.0.0.2");
        site.html("/page", """
                <html><body><script>
                  const d = document.createElement('div'); d.id = 'done'; d.textContent = 'built';
                  document.body.appendChild(d);
                </script></body></html>
                """);
    }

    @AfterAll
    static void stop() {
        site.close();
        vertx.close();
    }

    private static BrowserPageFetcher fetcher(String executable) throws IOException {
        return new BrowserPageFetcher(new BrowserOptions(executable, "/usr/bin/node", 1, "TrawlTest/1.0", 128, 0,
                Duration.ofSeconds(30), true), AddressGuard.of("127.0.0.2/32"), Clock.systemUTC());
    }

    private Path script(String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void aSlowBrowserStartIsNotCountedInThePagesTimeout() throws IOException {
        // A worker that just started on a busy machine: Chromium and the driver take longer than the page may.
        Path slow = script("slow-chromium", "sleep 5\nexec " + CHROMIUM + " \"$@\"");
        BrowserPageFetcher browser = fetcher(slow.toString());
        try {
            FetchResponse page = browser.fetch(new FetchRequest(site.url("/page"), Duration.ofSeconds(4), 1_000_000,
                    READY)).await().atMost(Duration.ofSeconds(90));
            assertThat(page.status()).isEqualTo(200);
            assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("built");
            assertThat(page.elapsed()).as("the page's own time").isLessThan(Duration.ofSeconds(4));
        } finally {
            browser.close();
        }
    }

    @Test
    void aBrowserThatCannotStartIsTheWorkersFailureNotThePages() throws IOException {
        Path broken = script("broken-chromium", "echo 'cannot open display' >&2\nexit 3");
        BrowserPageFetcher browser = fetcher(broken.toString());
        try {
            assertThatThrownBy(() -> browser.fetch(new FetchRequest(site.url("/page"), Duration.ofSeconds(10),
                    1_000_000, READY)).await().atMost(Duration.ofSeconds(60)))
                    .isInstanceOf(FetcherUnavailableException.class)
                    .hasMessageContaining("cannot start the browser");
            assertThat(site.count("/page")).as("the page was not tried").isZero();
            assertThat(browser.warmUp()).failsWithin(Duration.ofSeconds(60));
        } finally {
            browser.close();
        }
    }

    @Test
    void chromiumDiesWithTheJvmThatStartedItEvenOnKillMinus9() throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LaunchAndWait.class.getName(), CHROMIUM)
                .redirectErrorStream(true).start();
        long chromium = -1;
        List<ProcessHandle> family = List.of();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("chromium ")) {
                    chromium = Long.parseLong(line.substring("chromium ".length()).strip());
                    break;
                }
            }
            assertThat(chromium).as("the child JVM started Chromium").isPositive();
            ProcessHandle browser = ProcessHandle.of(chromium).orElseThrow();
            family = java.util.stream.Stream.concat(java.util.stream.Stream.of(browser), browser.descendants()).toList();
            assertThat(browser.isAlive()).isTrue();

            jvm.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

            List<ProcessHandle> all = family;
            Awaitility.await("Chromium and its processes gone after the JVM's kill -9").atMost(Duration.ofSeconds(15))
                    .until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            jvm.destroyForcibly();
            family.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aLaunchDeletesTheProfilesOfJvmsThatAreGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectories(dir.resolve(ChromiumProcess.PROFILE_PREFIX + gone.pid() + "-123"));
        Files.writeString(stale.resolve("chromium.log"), "left behind by a kill -9");
        Path live = Files.createDirectories(dir.resolve(ChromiumProcess.PROFILE_PREFIX + ProcessHandle.current().pid()
                + "-456"));
        Path unnamed = Files.createDirectories(dir.resolve(ChromiumProcess.PROFILE_PREFIX + "789"));

        ChromiumProcess.removeStaleProfiles(dir);

        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        assertThat(unnamed).exists();
    }

    /** The child JVM: launches Chromium as the fetcher does, prints its pid and waits to be killed. */
    public static final class LaunchAndWait {
        public static void main(String[] args) throws Exception {
            ChromiumProcess chromium = ChromiumProcess.launch(new BrowserOptions(args[0], "/usr/bin/node", 1, "TrawlTest/1.0",
                    128, 0, Duration.ofSeconds(60), true), 9);
            System.out.println("chromium " + chromium.pid());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }
}
