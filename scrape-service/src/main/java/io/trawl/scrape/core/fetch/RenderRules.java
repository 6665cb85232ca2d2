package io.trawl.scrape.core.fetch;

import java.util.Set;

/**
 * How a browser renders one page (the core's own record of a job's {@code browser} options).
 *
 * @param waitFor        CSS selector to wait for after the load event, or null
 * @param waitMs         extra settle time after loading
 * @param blockResources resource types never loaded ({@code image}, {@code font}, {@code media}, {@code stylesheet})
 * @param viewportWidth  viewport width in CSS pixels
 * @param viewportHeight viewport height in CSS pixels
 */
public record RenderRules(String waitFor, int waitMs, Set<String> blockResources, int viewportWidth,
        int viewportHeight) {
}
