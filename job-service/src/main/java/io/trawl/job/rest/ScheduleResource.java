package io.trawl.job.rest;

import io.smallrye.mutiny.Uni;
import io.trawl.web.Problem;
import io.trawl.web.Page;
import io.trawl.web.PageRequest;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.job.repository.ScheduleRunRecord;
import io.trawl.job.service.ScheduleService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Recurring jobs: {@code /api/v1/schedules}. Cron expressions use Quartz syntax (with seconds). */
@Path("/api/v1/schedules")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class ScheduleResource {

    private final ScheduleService service;
    private final TenantRequest request;

    public ScheduleResource(ScheduleService service, TenantRequest request) {
        this.service = service;
        this.request = request;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a schedule: a cron expression (Quartz syntax), a time zone and a job template")
    public Uni<Response> create(String body) {
        return service.create(request.tenantId(), body).map(s -> Response.created(URI.create("/api/v1/schedules/" + s.id()))
                .entity(view(s, true)).build());
    }

    @GET
    @Operation(summary = "The tenant's schedules, newest first")
    public Uni<Page<ScheduleView>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return request.newestFirst(cursor, limit, service::list, s -> view(s, false));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A schedule with its next 5 fire times")
    public Uni<ScheduleView> get(@PathParam("id") UUID id) {
        return service.get(request.tenantId(), id).map(s -> view(s, true));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a schedule's definition (the next fire is computed from now)")
    public Uni<ScheduleView> replace(@PathParam("id") UUID id, String body) {
        return service.replace(request.tenantId(), id, body).map(s -> view(s, true));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a schedule and its run history; jobs it started keep running")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(request.tenantId(), id).map(v -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/trigger")
    @Operation(summary = "Fire the schedule now (whatever its cron, pause state or overlap policy)")
    public Uni<Response> trigger(@PathParam("id") UUID id) {
        return service.trigger(request.tenantId(), id).map(t -> Response.status(Response.Status.CREATED)
                .location(URI.create("/api/v1/jobs/" + t.jobId()))
                .entity(Map.of("fireTime", t.fireTime().toString(), "jobId", t.jobId().toString(),
                        "job", "/api/v1/jobs/" + t.jobId()))
                .build());
    }

    @POST
    @Path("/{id}/pause")
    @Operation(summary = "Stop firing (idempotent)")
    public Uni<ScheduleView> pause(@PathParam("id") UUID id) {
        return service.pause(request.tenantId(), id).map(s -> view(s, true));
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Fire again from the next due time after now (idempotent)")
    public Uni<ScheduleView> resume(@PathParam("id") UUID id) {
        return service.resume(request.tenantId(), id).map(s -> view(s, true));
    }

    @GET
    @Path("/{id}/runs")
    @Operation(summary = "What became of each due time: fired (with its job), missed, skipped (why) or queued")
    public Uni<Page<ScheduleRunRecord>> runs(@PathParam("id") UUID id, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        PageRequest page = request.page(cursor, limit);
        Instant before;
        try {
            before = page.cursor() == null ? null : Instant.parse(page.cursor());
        } catch (DateTimeParseException e) {
            throw PageRequest.invalidCursor();
        }
        return service.runs(request.tenantId(), id, before, page.limit() + 1).map(rows -> Page.of(rows, page.limit(),
                r -> r, r -> r.fireTime().toString()));
    }

    private ScheduleView view(ScheduleRecord s, boolean detail) {
        return ScheduleView.of(s, request.now(), detail);
    }
}
