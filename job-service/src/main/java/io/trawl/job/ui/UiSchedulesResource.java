package io.trawl.job.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.InvalidSpecException;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.job.service.JobSearchService;
import io.trawl.job.service.ScheduleService;
import io.trawl.web.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The dashboard's schedules: list with next fire times, create, edit, pause/resume/trigger/delete, run history. */
@Path("/ui/schedules")
@Produces(MediaType.TEXT_HTML)
public class UiSchedulesResource {

    private static final String EXAMPLE = "{\n  \"name\": \"nightly\",\n  \"seeds\": [\"https://example.com/\"]\n}";

    private final UiSupport ui;
    private final JobSearchService search;
    private final ScheduleService schedules;

    public UiSchedulesResource(UiSupport ui, JobSearchService search, ScheduleService schedules) {
        this.ui = ui;
        this.search = search;
        this.schedules = schedules;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> list(@QueryParam("tenant") String tenant, @QueryParam("msg") String msg,
            @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/schedules"));
        }
        UiSession session = found.get();
        return page(session, tenant, msg, emptyForm(), 200);
    }

    private Uni<Response> page(UiSession session, String tenant, String msg, UiViews.ScheduleFormView form, int status) {
        return search.schedules(UiSupport.scope(session, tenant), null, 200).map(rows -> UiSupport.html(status,
                UiTemplates.schedules(ui.chrome(session, "Schedules", "schedules", msg), new UiViews.SchedulesPage(
                        rows.stream().map(UiViews.ScheduleRow::of).toList(), null,
                        session.isAdmin() && tenant != null ? tenant : "", form))));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> create(MultivaluedMap<String, String> form, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/schedules"));
        }
        UiSession session = found.get();
        String refusal = ui.refusalOf(session, form.getFirst(UiSessions.CSRF_FIELD));
        if (refusal != null) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Not done", refusal, "/ui/schedules"));
        }
        String tenant = session.isAdmin() ? nz(form.getFirst("tenant")).strip() : session.tenant();
        UiViews.ScheduleFormView typed = typed("/ui/schedules", form, List.of());
        if (tenant.isEmpty()) {
            return page(session, null, null, withErrors(typed, List.of("tenant: an admin names the tenant")), 400);
        }
        return build(form, body -> schedules.create(tenant, body))
                .map(s -> UiSupport.seeOther("/ui/schedules/" + s.id() + "?msg=created"))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(this::invalid).recoverWithUni(e -> page(session, null, null,
                        withErrors(typed, errors(e)), 400));
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> schedule(@PathParam("id") String rawId, @QueryParam("msg") String msg,
            @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/schedules"));
        }
        UiSession session = found.get();
        UUID id = parse(rawId);
        if (id == null) {
            return Uni.createFrom().item(ui.refusal(session, 404, "No such schedule", "not a schedule id", "/ui/schedules"));
        }
        return detail(session, id, msg, null, 200);
    }

    private Uni<Response> detail(UiSession session, UUID id, String msg, UiViews.ScheduleFormView form, int status) {
        return search.schedule(UiSupport.scope(session, null), id)
                .chain(s -> schedules.runs(s.tenant(), s.id(), null, 100).map(runs -> UiSupport.html(status,
                        UiTemplates.schedule(ui.chrome(session, s.name(), "schedules", msg), new UiViews.SchedulePage(
                                UiViews.ScheduleRow.of(s), runs.stream().map(UiViews.RunRow::of).toList(),
                                form != null ? form : formOf(s), "/ui/jobs?schedule=" + s.id())))))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(ProblemException.class).recoverWithItem(e -> ui.refusal(session, 404, "No such schedule",
                        e.getMessage(), "/ui/schedules"));
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> replace(@PathParam("id") String rawId, MultivaluedMap<String, String> form,
            @Context HttpHeaders headers) {
        return act(rawId, "edit", form, headers);
    }

    @POST
    @Path("/{id}/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> action(@PathParam("id") String rawId, @PathParam("action") String action,
            MultivaluedMap<String, String> form, @Context HttpHeaders headers) {
        return act(rawId, action, form, headers);
    }

    private Uni<Response> act(String rawId, String action, MultivaluedMap<String, String> form, HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/schedules"));
        }
        UiSession session = found.get();
        String back = "/ui/schedules/" + UiSupport.encode(rawId);
        String refusal = ui.refusalOf(session, form.getFirst(UiSessions.CSRF_FIELD));
        if (refusal != null) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Not done", refusal, back));
        }
        UUID id = parse(rawId);
        if (id == null) {
            return Uni.createFrom().item(ui.refusal(session, 404, "No such schedule", "not a schedule id", "/ui/schedules"));
        }
        return search.schedule(UiSupport.scope(session, null), id).chain(s -> {
            String t = s.tenant();
            return switch (action) {
                case "pause" -> schedules.pause(t, id).map(x -> UiSupport.seeOther(back + "?msg=paused"));
                case "resume" -> schedules.resume(t, id).map(x -> UiSupport.seeOther(back + "?msg=resumed"));
                case "trigger" -> schedules.trigger(t, id).map(x -> UiSupport.seeOther(back + "?msg="
                        + UiSupport.encode("fired now: job " + x.jobId())));
                case "delete" -> schedules.delete(t, id).map(x -> UiSupport.seeOther("/ui/schedules?msg=deleted"));
                case "edit" -> build(form, body -> schedules.replace(t, id, body))
                        .map(x -> UiSupport.seeOther(back + "?msg=saved"))
                        .onFailure().transform(UiSupport::asProblem)
                        .onFailure(this::invalid).recoverWithUni(e -> detail(session, id, null,
                                withErrors(typed(back, form, List.of()), errors(e)), 400));
                default -> Uni.createFrom().item(ui.refusal(session, 404, "No such action", action, back));
            };
        }).onFailure().transform(UiSupport::asProblem)
                .onFailure(ProblemException.class).recoverWithItem(e -> ui.refusal(session,
                ((ProblemException) e).status(), "Not done", e.getMessage(), back));
    }

    /** The schedule JSON of the form's fields (template is raw JSON) handed to {@code call}. */
    private static Uni<ScheduleRecord> build(MultivaluedMap<String, String> form,
            Function<String, Uni<ScheduleRecord>> call) {
        try {
            ObjectNode root = WireJson.MAPPER.createObjectNode();
            root.put("name", nz(form.getFirst("name")).strip());
            root.put("cron", nz(form.getFirst("cron")).strip());
            root.put("timezone", blank(form.getFirst("timezone")) ? "UTC" : form.getFirst("timezone").strip());
            if (!blank(form.getFirst("misfireGrace"))) {
                root.put("misfireGrace", form.getFirst("misfireGrace").strip());
            }
            if (!blank(form.getFirst("overlap"))) {
                root.put("overlap", form.getFirst("overlap").strip());
            }
            root.put("enabled", form.getFirst("enabled") != null);
            try {
                root.set("template", WireJson.tree(nz(form.getFirst("template"))));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badParameter("template", "is not valid JSON");
            }
            return call.apply(WireJson.encodeString(root));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private boolean invalid(Throwable e) {
        return e instanceof InvalidSpecException || (e instanceof ProblemException p && p.status() == 400);
    }

    private static List<String> errors(Throwable e) {
        if (e instanceof InvalidSpecException invalid) {
            return invalid.errors().stream().map(f -> f.field() + ": " + f.message()).toList();
        }
        return List.of(e.getMessage());
    }

    private static UiViews.ScheduleFormView emptyForm() {
        return new UiViews.ScheduleFormView("/ui/schedules", "", "0 0 3 * * ?", "UTC", "PT5M", "skip", true, EXAMPLE,
                List.of());
    }

    private static UiViews.ScheduleFormView formOf(ScheduleRecord s) {
        return new UiViews.ScheduleFormView("/ui/schedules/" + s.id(), s.name(), s.cron(), s.timezone(),
                s.misfireGrace().toString(), s.overlap(), s.enabled(), UiViews.pretty(s.template()), List.of());
    }

    private static UiViews.ScheduleFormView typed(String action, MultivaluedMap<String, String> form,
            List<String> errors) {
        return new UiViews.ScheduleFormView(action, nz(form.getFirst("name")), nz(form.getFirst("cron")),
                nz(form.getFirst("timezone")), nz(form.getFirst("misfireGrace")), nz(form.getFirst("overlap")),
                form.getFirst("enabled") != null, nz(form.getFirst("template")), errors);
    }

    private static UiViews.ScheduleFormView withErrors(UiViews.ScheduleFormView f, List<String> errors) {
        return new UiViews.ScheduleFormView(f.action(), f.name(), f.cron(), f.timezone(), f.misfireGrace(), f.overlap(),
                f.enabled(), f.template(), errors);
    }

    private static UUID parse(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
