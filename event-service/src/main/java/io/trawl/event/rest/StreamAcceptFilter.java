package io.trawl.event.rest;

import io.smallrye.mutiny.Uni;
import io.trawl.web.CurrentTenant;
import io.trawl.web.ProblemException;
import io.trawl.event.service.FeedService;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Accepts or refuses an SSE subscription before its stream starts: the job must exist and be the caller's
 * (404) and {@code Last-Event-ID} / {@code after} must be a seq the job has (400). Runs after the API key filter
 * (which sets the tenant) and without blocking: a refusal is an ordinary problem+json response.
 */
public class StreamAcceptFilter {

    private final FeedService feeds;
    private final CurrentTenant tenant;
    private final AcceptedStream accepted;

    public StreamAcceptFilter(FeedService feeds, CurrentTenant tenant, AcceptedStream accepted) {
        this.feeds = feeds;
        this.tenant = tenant;
        this.accepted = accepted;
    }

    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Uni<Response> accept(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceClass() != JobEventsResource.class
                || !JobEventsResource.STREAM.equals(resource.getResourceMethod().getName())) {
            return null;
        }
        String lastEventId = request.getHeaderString("Last-Event-ID");
        boolean resume = lastEventId != null && !lastEventId.isBlank();
        String id = request.getUriInfo().getPathParameters().getFirst("id");
        String after = request.getUriInfo().getQueryParameters().getFirst("after");
        String afterField = resume ? "Last-Event-ID" : "after";
        UUID jobId;
        long from;
        try {
            jobId = FeedParams.jobId(id);
            from = FeedParams.after(afterField, resume ? lastEventId : after);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        return feeds.accept(tenant.scope(), jobId, afterField, from)
                .invoke(accepted::set)
                .replaceWith((Response) null);
    }
}
