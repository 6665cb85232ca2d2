package io.trawl.job.ui;

import io.smallrye.mutiny.Uni;
import io.trawl.job.service.QueueDepthService;
import io.trawl.job.service.WorkerService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The fleet (admin only): workers with heartbeat, in flight, pages/s, errors, stale; queue depths. */
@Path("/ui/workers")
@Produces(MediaType.TEXT_HTML)
public class UiWorkersResource {

    private final UiSupport ui;
    private final WorkerService workers;
    private final QueueDepthService queues;

    public UiWorkersResource(UiSupport ui, WorkerService workers, QueueDepthService queues) {
        this.ui = ui;
        this.workers = workers;
        this.queues = queues;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> workers(@Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/workers"));
        }
        UiSession session = found.get();
        if (!session.isAdmin()) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Admins only",
                    "the fleet view is for admin keys", "/ui/jobs"));
        }
        return workers.list().chain(list -> queues.depths()
                .map(depths -> new Object[] {depths, ""})
                .onFailure().recoverWithItem(e -> new Object[] {List.of(), "queue depths unavailable: " + e.getMessage()})
                .map(q -> {
                    @SuppressWarnings("unchecked")
                    List<QueueDepthService.QueueDepth> depths = (List<QueueDepthService.QueueDepth>) q[0];
                    var rows = list.stream().map(UiViews.WorkerRow::of).toList();
                    int inFlight = list.stream().filter(w -> !w.stale()).mapToInt(w -> w.record().inFlight()).sum();
                    double rate = list.stream().filter(w -> !w.stale())
                            .mapToDouble(w -> w.stats().path("pagesPerSecond").asDouble(0)).sum();
                    return UiSupport.html(200, UiTemplates.workers(ui.chrome(session, "Workers", "workers", null),
                            new UiViews.WorkersPage(rows, depths, (String) q[1], inFlight,
                                    String.format(Locale.ROOT, "%.1f", rate))));
                }));
    }
}
