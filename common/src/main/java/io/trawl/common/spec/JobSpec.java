package io.trawl.common.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A scrape job as submitted (DESIGN.md §3), after validation and with every default filled in.
 * Build one with {@link JobSpecParser}; the stored form (jobs.spec) is this record serialized by
 * {@link io.trawl.common.json.WireJson}.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "seeds", "seedTemplate", "crawl", "extract", "limits", "respectRobots", "priority",
        "render", "browser"})
public record JobSpec(
        String name,
        List<String> seeds,
        SeedTemplate seedTemplate,
        CrawlSpec crawl,
        ExtractSpec extract,
        LimitsSpec limits,
        boolean respectRobots,
        int priority,
        RenderMode render,
        BrowserSpec browser) {

    public static final int MIN_PRIORITY = -10;
    public static final int MAX_PRIORITY = 10;

    /** True when the job's pages are rendered by a browser (they go to {@code trawl.tasks.browser}). */
    public boolean rendersInBrowser() {
        return render == RenderMode.BROWSER;
    }

    /** The scheduling weight of this job among others (priority +5 doubles a job's share). */
    public double weight() {
        return weightOf(priority);
    }

    public static double weightOf(int priority) {
        return Math.pow(2.0, priority / 5.0);
    }
}
