package io.trawl.job.ui;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.trawl.job.repository.CreatedAtKey;
import io.trawl.common.json.WireJson;
import io.trawl.common.spec.FieldError;
import io.trawl.common.spec.InvalidSpecException;
import io.trawl.common.state.JobStatus;
import io.trawl.common.state.TaskState;
import io.trawl.job.domain.JobCommand;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.JobRepository;
import io.trawl.job.repository.JobSearchRepository.JobFilter;
import io.trawl.job.rest.CreatedAtCursor;
import io.trawl.job.rest.JobListFilters;
import io.trawl.job.service.JobBulkService;
import io.trawl.job.service.JobSearchService;
import io.trawl.job.service.JobService;
import io.trawl.job.service.ResultService;
import io.trawl.web.PageRequest;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

/** The dashboard's jobs: the list (filters in the URL, keyset paging), bulk actions, a job's page, new job. */
@Path("/ui/jobs")
@Produces(MediaType.TEXT_HTML)
public class UiJobsResource {

    static final int PAGE = 50;
    static final int TASKS = 50;
    static final int PREVIEW = 20;

    private final UiSupport ui;
    private final JobSearchService search;
    private final JobService jobs;
    private final JobBulkService bulk;
    private final ResultService results;
    private final Clock clock;

    public UiJobsResource(UiSupport ui, JobSearchService search, JobService jobs, JobBulkService bulk,
            ResultService results, Clock clock) {
        this.ui = ui;
        this.search = search;
        this.jobs = jobs;
        this.bulk = bulk;
        this.results = results;
        this.clock = clock;
    }

    @GET
    @Operation(hidden = true)
    public Uni<Response> list(@QueryParam("status") String status, @QueryParam("q") String q,
            @QueryParam("schedule") String schedule, @QueryParam("tenant") String tenant,
            @QueryParam("cursor") String cursor, @QueryParam("msg") String msg, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/jobs"));
        }
        UiSession session = found.get();
        JobFilter filter;
        CreatedAtKey after;
        try {
            filter = filter(session, status, q, schedule, tenant);
            after = decodeCursor(cursor);
        } catch (ProblemException e) {
            return Uni.createFrom().item(ui.refusal(session, 400, "Bad filter", e.getMessage(), "/ui/jobs"));
        }
        Instant now = clock.instant();
        String query = query(status, q, schedule, session.isAdmin() ? tenant : null);
        return search.search(filter, after, PAGE + 1).map(rows -> {
            boolean more = rows.size() > PAGE;
            List<JobRecord> page = more ? rows.subList(0, PAGE) : rows;
            String next = more ? "/ui/jobs?" + query + (query.isEmpty() ? "" : "&") + "cursor="
                    + encodeCursor(page.get(page.size() - 1)) : null;
            List<UiViews.Option> statuses = new ArrayList<>();
            statuses.add(new UiViews.Option("", "any status", status == null || status.isBlank()));
            for (JobStatus s : JobStatus.values()) {
                statuses.add(new UiViews.Option(s.wire(), s.wire(), s.wire().equals(status)));
            }
            UiViews.JobsPage view = new UiViews.JobsPage(page.stream().map(j -> UiViews.JobRow.of(j, now)).toList(),
                    statuses, nz(q), nz(schedule), session.isAdmin() ? nz(tenant) : "", next, query,
                    !query.isEmpty(), page.size());
            return UiSupport.html(200, UiTemplates.jobs(ui.chrome(session, "Jobs", "jobs", msg), view));
        });
    }

    @POST
    @Path("/actions")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> actions(MultivaluedMap<String, String> form, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/jobs"));
        }
        UiSession session = found.get();
        String refusal = ui.refusalOf(session, form.getFirst(UiSessions.CSRF_FIELD));
        String status = form.getFirst("status");
        String q = form.getFirst("q");
        String schedule = form.getFirst("schedule");
        String tenant = session.isAdmin() ? form.getFirst("tenant") : null;
        String back = "/ui/jobs" + prefixed(query(status, q, schedule, tenant));
        if (refusal != null) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Not done", refusal, back));
        }
        JobCommand command;
        JobFilter filter;
        List<UUID> ids = new ArrayList<>();
        try {
            command = io.trawl.job.rest.JobActions.command(form.getFirst("action"));
            filter = filter(session, status, q, schedule, tenant);
            for (String id : form.getOrDefault("id", List.of())) {
                ids.add(UUID.fromString(id));
            }
        } catch (ProblemException e) {
            return Uni.createFrom().item(ui.refusal(session, 400, "Not done", e.getMessage(), back));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(ui.refusal(session, 400, "Not done", "a selected id is not a job id", back));
        }
        boolean all = "1".equals(form.getFirst("all"));
        if (!all && ids.isEmpty()) {
            return Uni.createFrom().item(ui.refusal(session, 400, "Nothing selected",
                    "select jobs, or tick \u201call matching this filter\u201d", back));
        }
        String action = command.name().toLowerCase(Locale.ROOT);
        if (!"1".equals(form.getFirst("confirmed"))) {
            Uni<Long> count = all ? bulk.count(filter)
                    : bulk.apply(UiSupport.scope(session, tenant), command, ids, true).map(r -> (long) r.matched());
            return count.map(n -> UiSupport.html(200, UiTemplates.confirm(ui.chrome(session, "Confirm", "jobs", null),
                    new UiViews.BulkConfirm(action, n, ids.stream().map(UUID::toString).toList(), all, nz(status),
                            nz(q), nz(schedule), nz(tenant), back))));
        }
        Uni<JobBulkService.BulkResult> done = all ? bulk.apply(filter, command, false)
                : bulk.apply(UiSupport.scope(session, tenant), command, ids, false);
        return done.map(r -> UiSupport.html(200, UiTemplates.bulkDone(ui.chrome(session, "Done", "jobs", null),
                        new UiViews.BulkDone(r, back))))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(ProblemException.class).recoverWithItem(e -> ui.refusal(session,
                        ((ProblemException) e).status(), "Not done", e.getMessage(), back));
    }

    @GET
    @Path("/new")
    @Operation(hidden = true)
    public Uni<Response> newJob(@QueryParam("from") String from, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/jobs/new"));
        }
        UiSession session = found.get();
        if (!session.canWrite()) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Read only",
                    "this key has the viewer role: it may read, not change", "/ui/jobs"));
        }
        Uni<UiViews.NewJobPage> page;
        if (from != null && !from.isBlank()) {
            UUID id;
            try {
                id = UUID.fromString(from.strip());
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().item(ui.refusal(session, 404, "No such job", "no job " + from, "/ui/jobs"));
            }
            page = search.job(UiSupport.scope(session, null), id).map(job -> {
                var spec = WireJson.tree(job.spec());
                return new UiViews.NewJobPage(JobForm.of(spec), UiViews.pretty(job.spec()), false, Map.of(),
                        List.of(), job.tenant());
            });
        } else {
            page = Uni.createFrom().item(new UiViews.NewJobPage(JobForm.empty(), "", false, Map.of(), List.of(), ""));
        }
        return page.map(p -> UiSupport.html(200, UiTemplates.newJob(ui.chrome(session, "New job", "new", null), p)))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(ProblemException.class).recoverWithItem(e -> ui.refusal(session, 404, "No such job",
                        e.getMessage(), "/ui/jobs"));
    }

    @POST
    @Path("/new")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> create(MultivaluedMap<String, String> form, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/jobs/new"));
        }
        UiSession session = found.get();
        String refusal = ui.refusalOf(session, form.getFirst(UiSessions.CSRF_FIELD));
        if (refusal != null) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Not submitted", refusal, "/ui/jobs/new"));
        }
        boolean jsonMode = "json".equals(form.getFirst("mode"));
        JobForm jobForm = new JobForm(nz(form.getFirst("name")), nz(form.getFirst("seeds")), nz(form.getFirst("follow")),
                nz(form.getFirst("maxDepth")), nz(form.getFirst("maxPages")), nz(form.getFirst("include")),
                nz(form.getFirst("exclude")), nz(form.getFirst("extractOn")), nz(form.getFirst("extractItem")),
                nz(form.getFirst("fields")), nz(form.getFirst("perHostConcurrency")),
                nz(form.getFirst("perHostDelayMs")), form.getFirst("respectRobots") != null);
        String json = jsonMode ? nz(form.getFirst("json")) : jobForm.toSpecJson();
        String tenant = session.isAdmin() ? nz(form.getFirst("tenant")).strip() : session.tenant();
        if (tenant.isEmpty()) {
            return Uni.createFrom().item(UiSupport.html(400, UiTemplates.newJob(
                    ui.chrome(session, "New job", "new", null), new UiViews.NewJobPage(jobForm, nz(form.getFirst("json")),
                            jsonMode, Map.of(), List.of("tenant: an admin names the tenant the job belongs to"),
                            tenant))));
        }
        return jobs.create(tenant, null, json)
                .map(created -> UiSupport.seeOther("/ui/jobs/" + created.job().id()))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(e -> e instanceof InvalidSpecException || e instanceof ProblemException)
                .recoverWithItem(e -> {
                    List<FieldError> errors = e instanceof InvalidSpecException invalid ? invalid.errors()
                            : List.of(new FieldError("$", e.getMessage()));
                    Map<String, List<String>> byField = jsonMode ? Map.of() : JobForm.byField(errors);
                    List<String> other = jsonMode ? errors.stream().map(f -> f.field() + ": " + f.message()).toList()
                            : byField.getOrDefault("", List.of());
                    Map<String, List<String>> fields = new LinkedHashMap<>(byField);
                    fields.remove("");
                    int status = e instanceof ProblemException p ? p.status() : 400;
                    return UiSupport.html(status, UiTemplates.newJob(ui.chrome(session, "New job", "new", null),
                            new UiViews.NewJobPage(jobForm, jsonMode ? json : nz(form.getFirst("json")), jsonMode,
                                    fields, other, tenant)));
                });
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Uni<Response> job(@PathParam("id") String rawId, @QueryParam("state") String state,
            @QueryParam("after") String afterTask, @QueryParam("msg") String msg, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/jobs/" + UiSupport.encode(rawId)));
        }
        UiSession session = found.get();
        UUID id;
        TaskState taskState;
        long after;
        try {
            id = UUID.fromString(rawId);
            taskState = state == null || state.isBlank() ? null : TaskState.fromWire(state);
            after = afterTask == null || afterTask.isBlank() ? 0 : Long.parseLong(afterTask);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(ui.refusal(session, 404, "No such page",
                    "not a job id, task state or task cursor", "/ui/jobs"));
        }
        Instant now = clock.instant();
        return search.job(UiSupport.scope(session, null), id).chain(job -> search.taskCounts(job.id())
                .chain(counts -> search.tasks(job.id(), taskState, after, TASKS + 1)
                        .chain(tasks -> search.firstItems(job.id(), PREVIEW).map(items -> {
                            List<String> columns = UiViews.columns(job.spec());
                            boolean more = tasks.size() > TASKS;
                            var shown = more ? tasks.subList(0, TASKS) : tasks;
                            String base = "/ui/jobs/" + job.id() + "?" + (taskState == null ? "" : "state="
                                    + taskState.wire() + "&");
                            List<UiViews.Option> states = new ArrayList<>();
                            states.add(new UiViews.Option("", "all", taskState == null));
                            for (TaskState s : TaskState.values()) {
                                long n = counts.getOrDefault(s, 0L);
                                states.add(new UiViews.Option(s.wire(), s.wire() + " (" + n
                                        + (n >= JobSearchService.TASK_COUNT_CAP ? "+" : "") + ")", s == taskState));
                            }
                            UiViews.JobRow row = UiViews.JobRow.of(job, now);
                            List<UiViews.Counter> counters = List.of(
                                    new UiViews.Counter("Tasks", Long.toString(job.tasksTotal()), "tasksTotal"),
                                    new UiViews.Counter("Done", Long.toString(job.tasksDone()), "tasksDone"),
                                    new UiViews.Counter("Failed", Long.toString(job.tasksFailed()), "tasksFailed"),
                                    new UiViews.Counter("Items", Long.toString(job.items()), "items"),
                                    new UiViews.Counter("Pages/s (average)", row.pagesPerSecond(), "rate"));
                            List<UiViews.Counter> times = List.of(
                                    new UiViews.Counter("Created", UiViews.time(job.createdAt()), "createdAt"),
                                    new UiViews.Counter("Started", UiViews.time(job.startedAt()), "startedAt"),
                                    new UiViews.Counter("Paused", UiViews.time(job.pausedAt()), "pausedAt"),
                                    new UiViews.Counter("Finished", UiViews.time(job.finishedAt()), "finishedAt"));
                            String api = "/ui/jobs/" + job.id() + "/results";
                            UiViews.JobPage page = new UiViews.JobPage(row, counters, times, states,
                                    shown.stream().map(UiViews.TaskRow::of).toList(),
                                    more ? base + "after=" + shown.get(shown.size() - 1).id() : null, columns,
                                    items.stream().map(i -> UiViews.result(i.url(), i.data(), columns)).toList(),
                                    UiViews.pretty(job.spec()), job.eventSeq(),
                                    job.scheduleId() == null ? null : "/ui/schedules/" + job.scheduleId(),
                                    job.tenant(), api + ".csv", api + ".ndjson");
                            return UiSupport.html(200, UiTemplates.job(ui.chrome(session, job.name(), "jobs", msg),
                                    page));
                        }))))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(ProblemException.class).recoverWithItem(e -> ui.refusal(session, 404, "No such job",
                        e.getMessage(), "/ui/jobs"));
    }

    @POST
    @Path("/{id}/{command}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> control(@PathParam("id") String rawId, @PathParam("command") String rawCommand,
            MultivaluedMap<String, String> form, @Context HttpHeaders headers) {
        Optional<UiSession> found = ui.session(headers);
        if (found.isEmpty()) {
            return Uni.createFrom().item(UiSupport.toLogin("/ui/jobs"));
        }
        UiSession session = found.get();
        String back = "/ui/jobs/" + UiSupport.encode(rawId);
        String refusal = ui.refusalOf(session, form.getFirst(UiSessions.CSRF_FIELD));
        if (refusal != null) {
            return Uni.createFrom().item(ui.refusal(session, 403, "Not done", refusal, back));
        }
        UUID id;
        JobCommand command;
        try {
            id = UUID.fromString(rawId);
            command = io.trawl.job.rest.JobActions.command(rawCommand);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(ui.refusal(session, 404, "No such action", "not a job or action", "/ui/jobs"));
        }
        String verb = command.name().toLowerCase(Locale.ROOT);
        return search.job(UiSupport.scope(session, null), id)
                .chain(job -> jobs.control(job.tenant(), job.id(), command))
                .map(r -> UiSupport.seeOther(back + "?msg=" + UiSupport.encode(r.changed()
                        ? verb + ": done, the job is now " + r.job().status().wire()
                        : verb + ": already in effect, the job is " + r.job().status().wire())))
                .onFailure().transform(UiSupport::asProblem)
                .onFailure(ProblemException.class).recoverWithItem(e -> {
                    ProblemException p = (ProblemException) e;
                    String words = p.status() == 409 ? "Cannot " + verb + " this job now: " + p.getMessage()
                            : p.getMessage();
                    return ui.refusal(session, p.status(), "Not done", words, back);
                });
    }

    @GET
    @Path("/{id}/results.csv")
    @Produces("text/csv")
    @Operation(hidden = true)
    public Multi<String> csv(@PathParam("id") UUID id, @Context HttpHeaders headers) {
        return RestMulti.fromUniResponse(tenantOf(headers, id).chain(t -> results.csv(t, id)), m -> m,
                m -> Map.of("Content-Disposition", List.of("attachment; filename=\"" + id + ".csv\"")));
    }

    @GET
    @Path("/{id}/results.ndjson")
    @Produces("application/x-ndjson")
    @org.jboss.resteasy.reactive.RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Multi<ResultService.ExportedItem> ndjson(@PathParam("id") UUID id, @Context HttpHeaders headers) {
        return RestMulti.fromUniResponse(tenantOf(headers, id).chain(t -> results.export(t, id)), m -> m,
                m -> Map.of("Content-Disposition", List.of("attachment; filename=\"" + id + ".ndjson\"")));
    }

    private Uni<String> tenantOf(HttpHeaders headers, UUID id) {
        Optional<UiSession> session = ui.session(headers);
        if (session.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.unauthorized("sign in at /ui/login"));
        }
        return search.job(UiSupport.scope(session.get(), null), id).map(JobRecord::tenant);
    }

    private static JobFilter filter(UiSession session, String status, String q, String schedule, String tenant) {
        JobStatus s = null;
        if (status != null && !status.isBlank()) {
            s = io.trawl.job.rest.JobActions.status(status);
        }
        return new JobFilter(UiSupport.scope(session, tenant), s, JobListFilters.nameContains(q),
                JobListFilters.scheduleId(schedule));
    }

    static String query(String status, String q, String schedule, String tenant) {
        List<String> parts = new ArrayList<>();
        if (status != null && !status.isBlank()) {
            parts.add("status=" + UiSupport.encode(status));
        }
        if (q != null && !q.isBlank()) {
            parts.add("q=" + UiSupport.encode(q));
        }
        if (schedule != null && !schedule.isBlank()) {
            parts.add("schedule=" + UiSupport.encode(schedule));
        }
        if (tenant != null && !tenant.isBlank()) {
            parts.add("tenant=" + UiSupport.encode(tenant));
        }
        return String.join("&", parts);
    }

    private static String prefixed(String query) {
        return query.isEmpty() ? "" : "?" + query;
    }

    static String encodeCursor(JobRecord last) {
        return PageRequest.encode(CreatedAtCursor.of(last));
    }

    /** The job list's cursor (the API's); null when absent; a bad one is a 400 naming {@code cursor}. */
    static CreatedAtKey decodeCursor(String cursor) {
        return cursor == null || cursor.isBlank() ? null : CreatedAtCursor.decode(PageRequest.cursor(cursor));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
