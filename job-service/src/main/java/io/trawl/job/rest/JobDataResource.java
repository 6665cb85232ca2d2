package io.trawl.job.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Problem;
import io.trawl.web.ProblemException;
import io.trawl.web.Page;
import io.trawl.web.PageRequest;
import io.trawl.common.state.TaskState;
import io.trawl.job.repository.TaskRecord;
import io.trawl.job.service.ResultService;
import io.trawl.job.service.TaskService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** A job's tasks and results: {@code /api/v1/jobs/{id}/tasks} and {@code /api/v1/jobs/{id}/results}. */
@Path("/api/v1/jobs/{id}")
public class JobDataResource {

    static final String NDJSON = "application/x-ndjson";
    static final String CSV = "text/csv";

    private final TaskService tasks;
    private final ResultService results;
    private final CurrentTenant tenant;
    private final ListingPages pages;

    public JobDataResource(TaskService tasks, ResultService results, CurrentTenant tenant,
            ListingPages pages) {
        this.tasks = tasks;
        this.results = results;
        this.tenant = tenant;
        this.pages = pages;
    }

    @GET
    @Path("/tasks")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "The job's tasks with attempts and last errors, optionally of one state")
    public Uni<Page<TaskRecord>> tasks(@PathParam("id") UUID id, @QueryParam("state") String state,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        PageRequest page = pages.of(cursor, limit);
        TaskState filter = parseState(state);
        long after = page.afterId();
        return tasks.page(tenant.id(), id, filter, after, page.limit() + 1)
                .map(rows -> Page.of(rows, page.limit(), t -> t, t -> Long.toString(t.id())));
    }

    @GET
    @Path("/results")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "The job's items, cursor-paged (Accept: application/x-ndjson or text/csv streams all)")
    public Uni<Page<ItemView>> results(@PathParam("id") UUID id, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        PageRequest page = pages.of(cursor, limit);
        long after = page.afterId();
        return results.page(tenant.id(), id, after, page.limit() + 1)
                .map(rows -> Page.of(rows, page.limit(), ItemView::of, i -> Long.toString(i.id())));
    }

    @GET
    @Path("/results")
    @Produces(NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every item of the job, one JSON object per line")
    public Multi<ResultService.ExportedItem> resultsNdjson(@PathParam("id") UUID id) {
        return RestMulti.fromUniResponse(results.export(tenant.id(), id), m -> m);
    }

    @GET
    @Path("/results")
    @Produces(CSV)
    @Operation(summary = "Every item of the job as CSV: url, then the spec's extract fields")
    public Multi<String> resultsCsv(@PathParam("id") UUID id) {
        return RestMulti.fromUniResponse(results.csv(tenant.id(), id), m -> m);
    }

    private static TaskState parseState(String state) {
        if (state == null || state.isEmpty()) {
            return null;
        }
        try {
            return TaskState.fromWire(state);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter("state",
                    "must be one of pending, queued, running, succeeded, failed, cancelled");
        }
    }
}
