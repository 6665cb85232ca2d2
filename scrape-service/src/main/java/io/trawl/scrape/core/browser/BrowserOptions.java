package io.trawl.scrape.core.browser;

import java.time.Duration;

/**
 * Fixed browser settings (per process).
 *
 * @param executablePath the system Chromium ({@code /usr/bin/chromium})
 * @param nodePath       the system Node.js the Playwright driver runs on
 * @param contexts       pages rendered at once (one browser context each)
 * @param userAgent      the User-Agent the browser sends
 * @param jsHeapMb       V8 heap cap per renderer: a page that allocates past it crashes (and only it)
 * @param memoryCap      the browser is restarted once its processes together hold more than this
 * @param launchTimeout  how long Chromium may take to open its DevTools port
 * @param noSandbox      start Chromium with {@code --no-sandbox} (required when running as root)
 */
public record BrowserOptions(String executablePath, String nodePath, int contexts, String userAgent, int jsHeapMb,
        long memoryCap, Duration launchTimeout, boolean noSandbox) {
}
