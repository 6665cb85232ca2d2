package io.trawl.job.webhook;

import io.quarkus.logging.Log;
import io.vertx.core.Vertx;

/**
 * Drives a {@link WebhookSender}: rounds back to back while there is work, an idle pause otherwise (a Vert.x
 * timer, like the dispatcher's loop). {@link #stop()} lets the round in progress finish its attempts.
 */
public class WebhookSenderLoop {

    private final WebhookSender sender;
    private final Vertx vertx;
    private final long idleMs;
    private boolean started;
    private boolean running;
    private long timerId = -1;

    public WebhookSenderLoop(WebhookSender sender, Vertx vertx, long idleMs) {
        this.sender = sender;
        this.vertx = vertx;
        this.idleMs = Math.max(1, idleMs);
    }

    public synchronized void start() {
        if (!started) {
            started = true;
            schedule(1);
        }
    }

    public synchronized void stop() {
        started = false;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    /** True while a round is in progress. */
    public synchronized boolean busy() {
        return running;
    }

    private void schedule(long delayMs) {
        timerId = vertx.setTimer(delayMs, id -> {
            synchronized (this) {
                timerId = -1;
            }
            round();
        });
    }

    private void round() {
        synchronized (this) {
            if (running || !started) {
                return;
            }
            running = true;
        }
        sender.runOnce().subscribe().with(n -> finished(n > 0, false), failure -> {
            Log.warnf("webhook round failed: %s", failure.getMessage());
            finished(false, true);
        });
    }

    private synchronized void finished(boolean busy, boolean failed) {
        running = false;
        if (started) {
            schedule(failed ? Math.max(1000, idleMs) : busy ? 1 : idleMs);
        }
    }
}
