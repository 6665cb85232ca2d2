package io.trawl.job.ui;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** The dashboard's configuration ({@code trawl.feed-url}, {@code trawl.ui.*}; each key reads its TRAWL_* variable). */
@ConfigMapping(prefix = "trawl")
public interface DashboardConfig {

    /**
     * The event feed's public base URL as a browser reaches it (TRAWL_FEED_URL): the dashboard's live parts
     * connect to {@code <feed-url>/ws/...}, and the page's Content-Security-Policy allows connecting there.
     */
    @WithName("feed-url")
    @WithDefault("http://localhost:8081")
    String feedUrl();

    /** The dashboard at {@code /ui}. */
    Ui ui();

    interface Ui {
        /**
         * The secret that signs session cookies and CSRF tokens (TRAWL_UI_SESSION_SECRET, at least 32
         * characters). Unset in prod: a random per-process secret is generated and a warning logged; sessions
         * then do not survive a restart and are not accepted by other replicas.
         */
        @WithName("session-secret")
        Optional<String> sessionSecret();

        /** How long a dashboard login lasts before the person signs in again. */
        @WithName("session-ttl")
        @WithDefault("8h")
        Duration sessionTtl();
    }
}
