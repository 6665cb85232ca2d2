package io.trawl.common.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * How a {@code render: "browser"} job's pages are rendered.
 *
 * @param waitFor        CSS selector that must appear before the page is read (null: the load event is enough)
 * @param waitMs         extra time to let scripts settle after loading, 0..{@value #MAX_WAIT_MS} ms
 * @param blockResources resource types never loaded ({@code image}, {@code font}, {@code media},
 *                       {@code stylesheet})
 * @param viewport       the page's viewport in CSS pixels
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BrowserSpec(String waitFor, int waitMs, List<String> blockResources, Viewport viewport) {

    public static final int MAX_WAIT_MS = 30_000;
    /** Resource types a job may block. */
    public static final List<String> RESOURCE_TYPES = List.of("image", "font", "media", "stylesheet");

    public static BrowserSpec defaults() {
        return new BrowserSpec(null, 0, List.of("image", "font", "media"), Viewport.defaults());
    }

    /** A viewport in CSS pixels. */
    @RegisterForReflection
    public record Viewport(int width, int height) {

        public static final int MIN = 100;
        public static final int MAX = 4096;

        public static Viewport defaults() {
            return new Viewport(1280, 800);
        }
    }
}
