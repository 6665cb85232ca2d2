package io.trawl.job.rest;

import io.smallrye.common.annotation.NonBlocking;
import io.trawl.job.service.FeedTokenService;
import io.trawl.web.CurrentTenant;
import io.trawl.web.FeedTokens;
import io.trawl.web.Problem;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /api/v1/feed-tokens}: a short-lived, read-only token for event-service's feed (DESIGN.md §7), so a
 * browser can follow jobs without ever holding an API key. Viewers may mint one (reading the feed is a read).
 */
@Path("/api/v1/feed-tokens")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class FeedTokenResource {

    private final FeedTokenService tokens;
    private final CurrentTenant tenant;

    public FeedTokenResource(FeedTokenService tokens, CurrentTenant tenant) {
        this.tokens = tokens;
        this.tenant = tenant;
    }

    @POST
    @NonBlocking
    @Operation(summary = "Mint a short-lived feed token for the caller's tenant (an admin naming no ?tenant=: "
            + "every tenant), for event-service's REST, SSE and WebSocket feed")
    @APIResponse(responseCode = "201", description = "The token and when it expires",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = FeedTokenView.class)))
    @APIResponse(responseCode = "401", description = "No valid API key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No TRAWL_FEED_TOKEN_SECRET is configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response mint() {
        FeedTokens.Minted minted = tokens.mint(tenant.scope());
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(Response.Status.CREATED).cacheControl(noStore)
                .entity(new FeedTokenView(minted.token(), minted.expiresAt())).build();
    }
}
