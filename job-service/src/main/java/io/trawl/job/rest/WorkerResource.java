package io.trawl.job.rest;

import io.smallrye.mutiny.Uni;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Page;
import io.trawl.web.Problem;
import io.trawl.job.service.WorkerService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /api/v1/workers}: the scrape fleet (heartbeat, in-flight, pages/s, errors), stale ones marked.
 * Workers serve every tenant, so every tenant sees the same list; a valid API key is still required.
 */
@Path("/api/v1/workers")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class WorkerResource {

    private final WorkerService workers;
    private final CurrentTenant tenant;

    public WorkerResource(WorkerService workers, CurrentTenant tenant) {
        this.workers = workers;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Scrape workers with their heartbeat, in-flight tasks, pages/s and errors; stale ones marked")
    public Uni<Page<WorkerView>> list() {
        tenant.id(); // authenticated (the filter already refused a missing or unknown key)
        return workers.list().onItem().transform(list -> new Page<>(list.stream().map(WorkerView::of).toList(), null));
    }
}
