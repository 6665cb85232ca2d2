package io.trawl.common.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Locale;

/**
 * How a job's pages are fetched: {@code static} (the HTTP fetcher, the default) or {@code browser} (a
 * headless Chromium runs the page's scripts first). Browser tasks go to their own queue.
 */
@RegisterForReflection
public enum RenderMode {
    STATIC,
    BROWSER;

    /** The wire name: {@code static} or {@code browser}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code wire} ({@code static} or {@code browser}), or null for anything else. */
    @JsonCreator
    public static RenderMode fromWire(String wire) {
        for (RenderMode mode : values()) {
            if (mode.wire().equals(wire)) {
                return mode;
            }
        }
        return null;
    }
}
