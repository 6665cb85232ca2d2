package io.trawl.job.dispatch;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.trawl.job.config.TrawlConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Drives the {@link Dispatcher}: rounds back to back while there is work, an idle pause otherwise, and an
 * immediate round when a job is created or resumed here ({@link #wakeUp()}). A Vert.x timer rather than
 * {@code @Scheduled}, whose resolution is one second. Several replicas run their loops concurrently.
 */
@ApplicationScoped
public class DispatchLoop {

    private final Dispatcher dispatcher;
    private final Vertx vertx;
    private final TrawlConfig.Dispatcher config;
    private boolean started;
    private boolean running;
    private boolean again;
    private long timerId = -1;

    public DispatchLoop(Dispatcher dispatcher, Vertx vertx, TrawlConfig config) {
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.config = config.dispatcher();
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            synchronized (this) {
                started = true;
                schedule(config.idleInterval().toMillis());
            }
            Log.infof("dispatcher started (batch %d, idle %s)", config.batchSize(), config.idleInterval());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            started = false;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
        }
    }

    /** Asks for a round now (or right after the one in progress). */
    public void wakeUp() {
        synchronized (this) {
            if (!started) {
                return;
            }
            if (running) {
                again = true;
                return;
            }
            if (timerId >= 0 && vertx.cancelTimer(timerId)) {
                timerId = -1;
            } else {
                return;
            }
        }
        runRound();
    }

    private void schedule(long delayMs) {
        timerId = vertx.setTimer(Math.max(1, delayMs), id -> {
            synchronized (this) {
                timerId = -1;
            }
            runRound();
        });
    }

    private void runRound() {
        synchronized (this) {
            if (running || !started) {
                return;
            }
            running = true;
            again = false;
        }
        dispatcher.dispatchOnce().subscribe().with(
                n -> finished(n > 0, false),
                failure -> {
                    Log.warnf("dispatch round failed: %s", failure.getMessage());
                    finished(false, true);
                });
    }

    private synchronized void finished(boolean busy, boolean failed) {
        running = false;
        if (!started) {
            return;
        }
        long delay = failed ? Math.max(1000, config.idleInterval().toMillis())
                : busy || again ? 1 : config.idleInterval().toMillis();
        schedule(delay);
    }
}
