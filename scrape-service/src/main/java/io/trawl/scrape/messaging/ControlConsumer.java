package io.trawl.scrape.messaging;

import io.quarkus.logging.Log;
import io.trawl.common.json.MalformedMessageException;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.ControlMessage;
import io.trawl.scrape.service.CancelReason;
import io.trawl.scrape.service.InFlightTasks;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Control messages from the {@code trawl.control} fanout, on this pod's own exclusive, auto-deleted queue.
 * Pause and kill cancel this pod's in-flight fetches of the job at once (new claims of it already fail in
 * Postgres, where the pause or kill committed before the message was sent). Resume needs nothing: tasks come
 * back through the dispatcher.
 */
@ApplicationScoped
public class ControlConsumer {

    private final InFlightTasks inFlight;

    public ControlConsumer(InFlightTasks inFlight) {
        this.inFlight = inFlight;
    }

    @Incoming("control")
    public void onControl(byte[] body) {
        ControlMessage message;
        try {
            message = WireJson.decode(body, ControlMessage.class);
        } catch (MalformedMessageException e) {
            Log.warnf("ignoring an undecodable control message: %s", e.getMessage());
            return;
        }
        if (message.jobId() == null || message.action() == null) {
            Log.warnf("ignoring an incomplete control message");
            return;
        }
        int cancelled = switch (message.action()) {
            case PAUSE -> inFlight.cancelJob(message.jobId(), CancelReason.PAUSED);
            case KILL -> inFlight.cancelJob(message.jobId(), CancelReason.KILLED);
            case RESUME -> 0;
        };
        Log.debugf("control %s of job %s: %d in-flight tasks cancelled", message.action(), message.jobId(), cancelled);
    }
}
