package io.trawl.job.dispatch;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trawl.common.task.SlotSignal;
import io.trawl.job.config.TrawlConfig;
import io.trawl.job.reaper.CompletionChecks;
import io.trawl.support.DbSettings;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * Listens on {@link SlotSignal#CHANNEL} with a connection of its own and wakes the {@link DispatchLoop} when a
 * worker's outcome commit freed host slots; when the signal names a job (its last open task was counted), it also
 * asks for that job's completion check ({@link CompletionChecks}). Without the wake-up a saturated host (every slot
 * in flight: the round finds nothing to send) waited for the loop's idle interval, so a slot freed just after such a
 * round stood empty for up to 100 ms: at {@code perHostConcurrency} 64 fewer than half the slots were in flight on
 * average (docs/performance.md). While the connection is down (it reconnects), the idle interval still drives the
 * loop and the reaper's round completes jobs.
 */
@ApplicationScoped
public class SlotSignalListener {

    static final long RECONNECT_MS = 2_000;

    private final Vertx vertx;
    private final DispatchLoop loop;
    private final TrawlConfig config;
    private final CompletionChecks completions;
    private volatile PgSubscriber subscriber;
    private volatile boolean stopped;

    public SlotSignalListener(Vertx vertx, DispatchLoop loop, TrawlConfig config, CompletionChecks completions) {
        this.vertx = vertx;
        this.loop = loop;
        this.config = config;
        this.completions = completions;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.dispatcher().enabled()) {
            return;
        }
        DbSettings db = config.db();
        PgConnectOptions options = new PgConnectOptions().setHost(db.host()).setPort(db.port())
                .setDatabase(db.name()).setUser(db.user()).setPassword(db.password());
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> RECONNECT_MS);
        subscriber.channel(SlotSignal.CHANNEL).handler(this::onSignal);
        connect();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        PgSubscriber current = subscriber;
        if (current != null) {
            current.close();
        }
    }

    /** Every signal frees slots; one that names a job also asks for that job's completion check. */
    public void onSignal(String payload) {
        loop.wakeUp();
        if (payload == null || payload.isEmpty()) {
            return;
        }
        UUID jobId;
        try {
            jobId = UUID.fromString(payload);
        } catch (IllegalArgumentException e) {
            Log.debugf("ignoring a %s signal with payload %s", SlotSignal.CHANNEL, payload);
            return;
        }
        completions.request(jobId);
    }

    /** The first connection; once connected, the subscriber's reconnect policy takes over. */
    private void connect() {
        subscriber.connect().onFailure(failure -> {
            if (stopped) {
                return;
            }
            Log.warnf("cannot listen for freed slots (%s); retrying in %d ms, dispatching on the idle interval "
                    + "meanwhile", failure.getMessage(), RECONNECT_MS);
            vertx.setTimer(RECONNECT_MS, id -> {
                if (!stopped) {
                    connect();
                }
            });
        });
    }
}
