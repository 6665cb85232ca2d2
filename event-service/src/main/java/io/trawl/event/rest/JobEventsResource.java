package io.trawl.event.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.web.CurrentTenant;
import io.trawl.web.PageRequest;
import io.trawl.web.Problem;
import io.trawl.common.json.WireJson;
import io.trawl.event.config.TrawlConfig;
import io.trawl.event.feed.FeedSubscriber;
import io.trawl.event.feed.Surface;
import io.trawl.event.service.EventPage;
import io.trawl.event.service.FeedService;
import io.trawl.event.service.ReplayService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** A job's event history: REST replay pages and the SSE stream. */
@Path("/api/v1/jobs/{id}/events")
public class JobEventsResource {

    /** The SSE method's name ({@link StreamAcceptFilter} accepts its subscriptions). */
    static final String STREAM = "stream";

    private final ReplayService replay;
    private final FeedService feeds;
    private final CurrentTenant tenant;
    private final AcceptedStream accepted;
    private final TrawlConfig config;
    private final Vertx vertx;

    public JobEventsResource(ReplayService replay, FeedService feeds, CurrentTenant tenant, AcceptedStream accepted,
            TrawlConfig config, Vertx vertx) {
        this.replay = replay;
        this.feeds = feeds;
        this.tenant = tenant;
        this.accepted = accepted;
        this.config = config;
        this.vertx = vertx;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Stored events of the job with seq > after, in order; continue with after=next")
    @APIResponse(responseCode = "200", description = "A page of events",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventPage.class)))
    @APIResponse(responseCode = "400", description = "Bad after or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such job for this API key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> page(@PathParam("id") String jobId,
            @Parameter(description = "seq of the last event you have (default 0)") @QueryParam("after") String after,
            @Parameter(description = "page size, 1..max-limit (default 100)") @QueryParam("limit") String limit) {
        UUID id = FeedParams.jobId(jobId);
        long from = FeedParams.after("after", after);
        int size = PageRequest.limit(limit, config.api().defaultLimit(), config.api().maxLimit());
        return replay.page(tenant.scope(), id, from, size).onItem().transform(page -> {
            Response.ResponseBuilder response = Response.ok(WireJson.encode(page), MediaType.APPLICATION_JSON_TYPE);
            if (page.hasMore()) {
                response.header("Link", "</api/v1/jobs/" + id + "/events?after=" + page.next() + "&limit=" + size
                        + ">; rel=\"next\"");
            }
            return response.build();
        });
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The job's events as Server-Sent Events (id = seq): history after Last-Event-ID or "
            + "after, an event named replayed, then live")
    public Multi<OutboundSseEvent> stream(@PathParam("id") String id,
            @Parameter(description = "seq of the last event you have (default 0)") @QueryParam("after") String after,
            @Parameter(description = "sent by EventSource on reconnect; wins over after")
            @HeaderParam("Last-Event-ID") String lastEventId, @jakarta.ws.rs.core.Context Sse sse) {
        // id, after and Last-Event-ID were checked by StreamAcceptFilter (they are declared here for OpenAPI).
        FeedService.JobFeedStart start = accepted.get();
        Executor executor = executor();
        long heartbeat = config.feed().sseHeartbeat().toMillis();
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<Runnable> cleanup = new AtomicReference<>(() -> { });
            SseSink sink = new SseSink(emitter, sse, () -> cleanup.get().run());
            FeedSubscriber subscriber = feeds.open(start, sink, Surface.SSE, executor);
            long timer = vertx.setPeriodic(heartbeat, t -> sink.heartbeat());
            cleanup.set(() -> {
                vertx.cancelTimer(timer);
                subscriber.closed();
            });
            if (!sink.isOpen()) {
                cleanup.get().run();
            }
        });
    }

    private Executor executor() {
        Context context = Vertx.currentContext();
        Context target = context != null ? context : vertx.getOrCreateContext();
        return command -> target.runOnContext(v -> command.run());
    }
}
