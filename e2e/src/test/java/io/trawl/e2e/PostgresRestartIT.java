package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.system.ServiceProcess;
import io.trawl.e2e.system.Shell;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hardening item 4: a real Postgres restart ({@code pg_ctlcluster --skip-systemctl-redirect 15 main restart},
 * not only terminated backends) mid-crawl. For a few seconds no connection is possible at all; every service
 * must reconnect by itself and the job must complete with the exact item set, its feed gapless.
 *
 * <p>This restarts the one local Postgres, which every other user of it notices: it runs last in the suite, and
 * a developer runs it alone with {@code -Dit.test=PostgresRestartIT}.
 */
@ExtendWith(E2e.class)
@Order(20)
@DisplayName("4b: Postgres restarted mid-crawl — every service reconnects, the job completes exactly")
class PostgresRestartIT {

    static E2eEnvironment env;
    static Crawl crawl;

    @Test
    void restartPostgres() {
        crawl = Crawl.start(env, new DirectorySite("pgrestart", 3, 10, 20), "e2e postgres restart"); // 631 pages
        crawl.awaitDone(100, Duration.ofSeconds(90));
        // the processes up before the restart (earlier scenarios of the shared system may have killed some)
        List<ServiceProcess> before = env.system.running();
        long t0 = System.nanoTime();
        String out = Shell.check(Duration.ofSeconds(120), "pg_ctlcluster", "--skip-systemctl-redirect", "15", "main",
                "restart");
        E2eEnvironment.log("Postgres restarted in %.1f s %s; %s", (System.nanoTime() - t0) / 1e9, out.strip(),
                crawl.job().path("progress"));

        crawl.awaitCompleted(Duration.ofMinutes(4));
        crawl.assertExactlyComplete();
        for (ServiceProcess p : env.system.running()) {
            p.awaitReady(Duration.ofSeconds(60));
        }
        assertThat(env.system.running()).as("services still running").containsExactlyInAnyOrderElementsOf(before);
    }

    @AfterAll
    static void close() {
        if (crawl != null) {
            crawl.close();
        }
    }
}
