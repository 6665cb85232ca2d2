package io.trawl.job.rest;

import io.smallrye.mutiny.Uni;
import io.trawl.job.service.QueueDepthService;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Problem;
import io.trawl.web.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /api/v1/queues} (admin keys only): ready messages and consumers of the task queues. */
@Path("/api/v1/queues")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class QueueResource {

    private final QueueDepthService queues;
    private final CurrentTenant tenant;

    public QueueResource(QueueDepthService queues, CurrentTenant tenant) {
        this.queues = queues;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Depth of trawl.tasks, trawl.tasks.dead and trawl.tasks.browser (admin only)",
            description = "Read with a passive declare: ready messages and consumers; exists=false for a queue "
                    + "the broker does not have. 403 for tenant and viewer keys.")
    public Uni<List<QueueDepthService.QueueDepth>> list() {
        if (!tenant.isAdmin()) {
            throw ProblemException.forbidden("queue depths are for admin keys");
        }
        return queues.depths();
    }
}
