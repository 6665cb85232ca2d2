package io.trawl.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium for the browser scenarios: Debian's {@code /usr/bin/chromium}, driven by Playwright for Java
 * through the system Node ({@code PLAYWRIGHT_NODEJS_PATH=/usr/bin/node}); nothing is downloaded. Playwright
 * launches every browser with a fresh temporary {@code --user-data-dir} of its own. Each {@link #newPage} is a
 * new context (no cookies shared), its console errors and uncaught exceptions collected in {@link #errors}.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path NODE = Path.of("/usr/bin/node");
    /** Chromium as root in a container: no sandbox, no GPU, nothing that phones home. */
    static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage");

    final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final Playwright playwright;
    private final com.microsoft.playwright.Browser chromium;
    private final String baseUrl;
    private final Path screenshots;

    Browser(String baseUrl, Path screenshots) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(NODE)) {
            throw new IllegalStateException("the browser scenarios need " + CHROMIUM + " (apt-get install chromium)"
                    + " and " + NODE);
        }
        this.baseUrl = baseUrl;
        this.screenshots = screenshots;
        this.playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of(
                "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", "PLAYWRIGHT_NODEJS_PATH", NODE.toString())));
        this.chromium = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(FLAGS));
    }

    /** A page in a new context of {@code width} × {@code height} CSS pixels. */
    Page newPage(int width, int height) {
        BrowserContext context = chromium.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setBaseURL(baseUrl).setViewportSize(width, height));
        context.setDefaultTimeout(20_000);
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if (!m.type().equals("error")) {
                return;
            }
            String where = String.valueOf(m.location());
            if (where.contains("/favicon.ico")) {
                // Chromium's own favicon request (Playwright cannot route it); reported, not a page's error.
                E2eEnvironment.log("browser: FINDING: no /favicon.ico (%s: %s)", page.url(), m.text());
                return;
            }
            errors.add(page.url() + ": console error: " + m.text() + " (at " + where + ")");
        });
        page.onPageError(e -> errors.add(page.url() + ": uncaught: " + e));
        page.onResponse(r -> {
            if (r.status() >= 400) {
                E2eEnvironment.log("browser: HTTP %d %s %s", r.status(), r.request().method(), r.url());
            }
        });
        return page;
    }

    /**
     * Forgets the console errors a scenario provoked on purpose: those logged on {@code page} (its current URL)
     * containing {@code text} (e.g. Chromium's "Failed to load resource: … 409" for a refused control).
     */
    void forgive(Page page, String text) {
        String prefix = page.url() + ": ";
        errors.removeIf(e -> e.startsWith(prefix) && e.contains(text));
    }

    Page newPage() {
        return newPage(1280, 900);
    }

    /** A full-page screenshot as {@code e2e/target/screenshots/<name>.png}. */
    Path screenshot(Page page, String name) {
        Path file = screenshots.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        E2eEnvironment.log("screenshot %s (%s)", file.getFileName(), page.url());
        return file;
    }

    /** A screenshot of what the viewport shows now. */
    Path viewport(Page page, String name) {
        Path file = screenshots.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file));
        return file;
    }

    @Override
    public void close() {
        try {
            chromium.close();
        } finally {
            playwright.close();
        }
    }
}
