package io.trawl.scrape.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Browser rendering ({@code trawl.browser.*}, env TRAWL_BROWSER_*): only workers started with it enabled. */
@ConfigMapping(prefix = "trawl.browser")
public interface BrowserConfig {

    /** Consume {@code trawl.tasks.browser} and render its pages in the system Chromium (TRAWL_BROWSER_ENABLED). */
    @WithDefault("false")
    boolean enabled();

    /** Pages rendered at once, each in its own browser context (TRAWL_BROWSER_CONTEXTS). */
    @WithDefault("4")
    int contexts();

    /** The system Chromium (Debian package {@code chromium}); never downloaded. */
    @WithDefault("/usr/bin/chromium")
    String executablePath();

    /** The system Node.js the Playwright driver runs on (PLAYWRIGHT_NODEJS_PATH). */
    @WithDefault("/usr/bin/node")
    String nodePath();

    /** V8 heap cap per page in MiB: a page that allocates past it crashes alone and its task is retried. */
    @WithDefault("256")
    int jsHeapMb();

    /** The browser is restarted (between pages) once its processes together hold more than this many MiB. */
    @WithDefault("2048")
    int memoryCapMb();

    /** Start Chromium with --no-sandbox (needed as root and in most containers). */
    @WithDefault("true")
    boolean noSandbox();
}
