package io.trawl.job.webhook;

import io.smallrye.mutiny.Uni;
import io.trawl.job.rest.TenantRequest;
import io.trawl.web.Page;
import io.trawl.web.PageRequest;
import io.trawl.web.Problem;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Webhook subscriptions: {@code /api/v1/webhooks} (docs/webhooks.md). */
@Path("/api/v1/webhooks")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class WebhookResource {

    private final WebhookService service;
    private final TenantRequest request;

    public WebhookResource(WebhookService service, TenantRequest request) {
        this.service = service;
        this.request = request;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Subscribe a URL to job events: {url, events?, jobId?, description?}; the answer carries "
            + "the signing secret, shown only this once")
    public Uni<Response> create(String body) {
        return service.create(request.tenantId(), body).map(w -> Response.created(URI.create("/api/v1/webhooks/" + w.id()))
                .entity(WebhookView.of(w, true, request.now())).build());
    }

    @GET
    @Operation(summary = "The tenant's webhook subscriptions, newest first")
    public Uni<Page<WebhookView>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        Instant now = request.now();
        return request.newestFirst(cursor, limit, service::list, w -> WebhookView.of(w, false, now));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One subscription (without its secret)")
    public Uni<WebhookView> get(@PathParam("id") UUID id) {
        return service.get(request.tenantId(), id).map(w -> WebhookView.of(w, false, request.now()));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change url, events or description; enabled=false pauses deliveries, true resumes them")
    public Uni<WebhookView> update(@PathParam("id") UUID id, String body) {
        return service.update(request.tenantId(), id, body).map(w -> WebhookView.of(w, false, request.now()));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a subscription with its delivery log")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(request.tenantId(), id).map(v -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(summary = "Issue a new secret (shown once); the old one also signs for 24 h")
    public Uni<WebhookView> rotateSecret(@PathParam("id") UUID id) {
        return service.rotateSecret(request.tenantId(), id).map(w -> WebhookView.of(w, true, request.now()));
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The delivery log, newest first: status, every attempt (request id, status code, "
            + "duration, error) and the next attempt; ?status=pending|delivered|failed")
    public Uni<Page<DeliveryView>> deliveries(@PathParam("id") UUID id, @QueryParam("status") String status,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        PageRequest page = request.page(cursor, limit);
        long before = Long.MAX_VALUE;
        if (page.cursor() != null) {
            try {
                before = Long.parseLong(page.cursor());
            } catch (NumberFormatException e) {
                throw PageRequest.invalidCursor();
            }
        }
        return service.deliveries(request.tenantId(), id, status, before, page.limit() + 1).map(p -> Page.of(p.deliveries(),
                page.limit(), d -> DeliveryView.of(d, p.attempts().get(d.id())), d -> Long.toString(d.id())));
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/redeliver")
    @Operation(summary = "Send a delivery again now (same webhook-id), whatever became of it")
    public Uni<Response> redeliver(@PathParam("id") UUID id, @PathParam("deliveryId") long deliveryId) {
        return service.redeliver(request.tenantId(), id, deliveryId)
                .map(d -> Response.accepted(DeliveryView.of(d, null)).build());
    }
}
