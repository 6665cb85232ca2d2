package io.trawl.job.messaging;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.ControlAction;
import io.trawl.common.message.ControlMessage;
import io.trawl.common.message.Topology;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;

/**
 * Tells every scrape worker (fanout {@code trawl.control}) that a job was paused, resumed or killed, after
 * the change committed. Workers also check the job's status in Postgres on every claim and lease renewal,
 * so a lost control message delays a cancellation, never breaks it.
 */
@ApplicationScoped
public class ControlPublisher {

    private final RabbitPublisher publisher;
    private final Clock clock;

    public ControlPublisher(RabbitPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    public Uni<Void> publish(UUID jobId, ControlAction action) {
        ControlMessage message = new ControlMessage(jobId, action, clock.instant());
        return publisher.publish(new RabbitPublisher.Outgoing(Topology.CONTROL_EXCHANGE, "", WireJson.encode(message),
                        false, "control." + action.name().toLowerCase(java.util.Locale.ROOT)))
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("control %s of job %s not published: %s", action, jobId, failure.getMessage());
                    return null;
                });
    }
}
