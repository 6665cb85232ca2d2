package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.system.ServiceProcess;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6: every Postgres backend of the services is terminated mid-crawl ({@code pg_terminate_backend} on
 * this run's database, twice, 2 s apart, so freshly reconnected pools are cut as well). The services reconnect by
 * themselves and the job completes with the exact item set; the feed stays gapless.
 */
@ExtendWith(E2e.class)
@Order(6)
@DisplayName("6: Postgres connections terminated mid-crawl — services reconnect, the job completes exactly")
class PostgresConnectionsIT {

    static E2eEnvironment env;
    static Crawl crawl;

    @Test
    void terminateEveryBackend() {
        crawl = Crawl.start(env, new DirectorySite("pgkill", 3, 10, 20), "e2e postgres connections"); // 631 pages
        crawl.awaitDone(100, Duration.ofSeconds(60));
        int first = terminate();
        E2eEnvironment.log("terminated %d Postgres backends of %s", first, env.system.space());
        assertThat(first).as("backends of the services terminated (job-, event- and two scrape-services)")
                .isGreaterThanOrEqualTo(4);
        TrawlApi.sleep(2000);
        int second = terminate();
        E2eEnvironment.log("terminated %d more (reconnected) backends", second);

        crawl.awaitCompleted(Duration.ofMinutes(3));
        crawl.assertExactlyComplete();
        for (ServiceProcess p : env.system.running()) {
            p.awaitReady(Duration.ofSeconds(30));
        }
        assertThat(env.system.running()).as("services still running").hasSize(env.system.all().size());
    }

    static int terminate() {
        String n = env.sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '"
                + env.system.space() + "' and pid <> pg_backend_pid()");
        return Integer.parseInt(n.strip());
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
    }
}
