package io.trawl.job.rest;

import io.smallrye.mutiny.Uni;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Problem;
import io.trawl.web.ProblemException;
import io.trawl.web.Page;
import io.trawl.web.PageRequest;
import io.trawl.job.domain.JobCommand;
import io.trawl.common.state.JobStatus;
import io.trawl.job.repository.CreatedAtKey;
import io.trawl.job.service.JobService;
import io.trawl.job.service.JobSearchService;
import io.trawl.job.repository.JobSearchRepository;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Submit, list, inspect and control jobs: {@code /api/v1/jobs}. */
@Path("/api/v1/jobs")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class JobResource {

    private final JobService service;
    private final CurrentTenant tenant;
    private final ListingPages pages;
    private final Clock clock;
    private final JobSearchService search;

    public JobResource(JobService service, CurrentTenant tenant,
            ListingPages pages, Clock clock, JobSearchService search) {
        this.search = search;
        this.service = service;
        this.tenant = tenant;
        this.pages = pages;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job", description = "The job (status pending) and its seed tasks are stored "
            + "before the response. An Idempotency-Key makes a retried submission return the first job.")
    @RequestBody(description = "The job spec (see README)")
    @APIResponse(responseCode = "201", description = "Created (or, with Idempotent-Replayed: true, the earlier job)")
    @APIResponse(responseCode = "400", description = "Invalid spec, with every bad field")
    @APIResponse(responseCode = "422", description = "Idempotency-Key reused with a different body")
    public Uni<Response> create(@HeaderParam("Idempotency-Key") String idempotencyKey, String body) {
        return service.create(tenant.id(), idempotencyKey, body).onItem().transform(created -> {
            JobView view = JobView.detail(created.job(), null, clock.instant());
            Response.ResponseBuilder response = Response.status(Response.Status.CREATED)
                    .location(URI.create(view.links().self()))
                    .entity(view);
            if (created.replayed()) {
                response.header("Idempotent-Replayed", "true");
            }
            return response.build();
        });
    }

    @GET
    @Operation(summary = "List jobs", description = "Newest first; cursor paging; optional filters: status, "
            + "q (name contains, case-insensitive), scheduleId (jobs created by that schedule). An admin key lists "
            + "every tenant unless ?tenant= names one.")
    public Uni<Page<JobView>> list(@QueryParam("status") String status, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit, @QueryParam("q") String q, @QueryParam("scheduleId") String scheduleId) {
        PageRequest page = pages.of(cursor, limit);
        JobSearchRepository.JobFilter filter = new JobSearchRepository.JobFilter(tenant.scope(), parseStatus(status),
                JobListFilters.nameContains(q), JobListFilters.scheduleId(scheduleId));
        CreatedAtKey after = CreatedAtCursor.after(page);
        Instant now = clock.instant();
        return search.search(filter, after, page.limit() + 1)
                .map(rows -> Page.of(rows, page.limit(), j -> JobView.summary(j, now), CreatedAtCursor::of));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A job's status, progress counters, rates and timestamps")
    public Uni<JobView> get(@PathParam("id") UUID id) {
        return service.detail(tenant.id(), id)
                .map(detail -> JobView.detail(detail.job(), detail.tasks(), clock.instant()));
    }

    @POST
    @Path("/{id}/pause")
    @Operation(summary = "Pause: no new task starts; in-flight fetches are cancelled and re-queued")
    public Uni<JobView> pause(@PathParam("id") UUID id) {
        return control(id, JobCommand.PAUSE);
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Resume a paused job: dispatches the tasks not yet succeeded")
    public Uni<JobView> resume(@PathParam("id") UUID id) {
        return control(id, JobCommand.RESUME);
    }

    @POST
    @Path("/{id}/kill")
    @Operation(summary = "Kill: terminal; every open task is cancelled")
    public Uni<JobView> kill(@PathParam("id") UUID id) {
        return control(id, JobCommand.KILL);
    }

    @POST
    @Path("/{id}/retry")
    @Operation(summary = "Retry the failed tasks of a completed or failed job")
    public Uni<JobView> retry(@PathParam("id") UUID id) {
        return control(id, JobCommand.RETRY);
    }

    private Uni<JobView> control(UUID id, JobCommand command) {
        return service.control(tenant.id(), id, command)
                .onItem().transform(result -> JobView.detail(result.job(), null, clock.instant()));
    }

    static JobStatus parseStatus(String status) {
        if (status == null || status.isEmpty()) {
            return null;
        }
        try {
            return JobStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter("status",
                    "must be one of pending, running, paused, completed, failed, killed");
        }
    }
}
