package io.trawl.job.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.TemplateData;
import io.trawl.common.json.WireJson;
import io.trawl.job.repository.JobRecord;
import io.trawl.job.repository.ScheduleRecord;
import io.trawl.job.repository.ScheduleRunRecord;
import io.trawl.job.repository.TaskRecord;
import io.trawl.job.service.JobBulkService;
import io.trawl.job.service.QueueDepthService;
import io.trawl.job.service.WorkerService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** What the dashboard's templates show: plain records, every value already formatted as text. */
public final class UiViews {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private UiViews() {
    }

    /** The frame around every page: who is signed in, what they may do, where the feed is. */
    @TemplateData
    public record Chrome(String title, String nav, String csrf, String who, boolean signedIn, boolean canWrite,
            boolean admin, String feedUrl, String assets, String flash) {
    }

    /** One option of a select. */
    @TemplateData
    public record Option(String value, String label, boolean selected) {
    }

    @TemplateData
    public record JobRow(String id, String name, String tenant, String status, long percent, long tasksDone,
            long tasksTotal, long tasksFailed, long items, String pagesPerSecond, String created, String href,
            boolean fromSchedule) {

        static JobRow of(JobRecord j, Instant now) {
            return new JobRow(j.id().toString(), j.name(), j.tenant(), j.status().wire(), UiViews.percent(j), j.tasksDone(),
                    j.tasksTotal(), j.tasksFailed(), j.items(), rate(j, now), time(j.createdAt()),
                    "/ui/jobs/" + j.id(), j.scheduleId() != null);
        }
    }

    /** The jobs list with its filters (kept in the URL) and the link to the next page. */
    @TemplateData
    public record JobsPage(List<JobRow> jobs, List<Option> statuses, String q, String schedule, String tenant,
            String nextHref, String query, boolean filtered, long total) {
    }

    @TemplateData
    public record Counter(String label, String value, String key) {
    }

    @TemplateData
    public record TaskRow(long id, String url, String state, int attempt, int maxAttempts, String httpStatus,
            String lastError, String finished) {

        static TaskRow of(TaskRecord t) {
            return new TaskRow(t.id(), t.url(), t.state().wire(), t.attempt(), t.maxAttempts(),
                    t.httpStatus() == null ? "" : t.httpStatus().toString(), t.lastError() == null ? "" : t.lastError(),
                    time(t.finishedAt()));
        }
    }

    @TemplateData
    public record ResultRow(String url, List<String> values) {
    }

    /** A job's page. */
    @TemplateData
    public record JobPage(JobRow job, List<Counter> counters, List<Counter> times, List<Option> taskStates,
            List<TaskRow> tasks, String tasksNextHref, List<String> columns, List<ResultRow> results,
            String spec, long lastSeq, String scheduleHref, String tenant, String csvHref, String ndjsonHref) {
    }

    /** The new-job form with what was typed and the API's errors per field. */
    @TemplateData
    public record NewJobPage(JobForm form, String json, boolean jsonMode, Map<String, List<String>> errors,
            List<String> otherErrors, String tenant) {

        public List<String> errorsOf(String field) {
            return errors.getOrDefault(field, List.of());
        }

        public boolean hasErrors(String field) {
            return errors.containsKey(field);
        }
    }

    /** The confirmation of a bulk action: how many jobs it will touch, and the form that does it. */
    @TemplateData
    public record BulkConfirm(String action, long count, List<String> ids, boolean all, String status, String q,
            String schedule, String tenant, String back) {
    }

    @TemplateData
    public record BulkDone(JobBulkService.BulkResult result, String back) {
    }

    @TemplateData
    public record ScheduleRow(String id, String name, String tenant, String cron, String timezone, boolean enabled,
            String nextFire, String lastFire, String href) {

        static ScheduleRow of(ScheduleRecord s) {
            return new ScheduleRow(s.id().toString(), s.name(), s.tenant(), s.cron(), s.timezone(), s.enabled(),
                    s.enabled() ? time(s.nextFireAt()) : "paused", time(s.lastFireAt()), "/ui/schedules/" + s.id());
        }
    }

    @TemplateData
    public record SchedulesPage(List<ScheduleRow> schedules, String nextHref, String tenant,
            ScheduleFormView form) {
    }

    /** The schedule form (create or edit) with the API's errors. */
    @TemplateData
    public record ScheduleFormView(String action, String name, String cron, String timezone, String misfireGrace,
            String overlap, boolean enabled, String template, List<String> errors) {
    }

    @TemplateData
    public record RunRow(String fireTime, String outcome, String reason, String jobHref, String dueTimes) {

        static RunRow of(ScheduleRunRecord r) {
            return new RunRow(time(r.fireTime()), r.outcome(), r.reason() == null ? "" : r.reason(),
                    r.jobId() == null ? null : "/ui/jobs/" + r.jobId(), Integer.toString(r.dueTimes()));
        }
    }

    @TemplateData
    public record SchedulePage(ScheduleRow schedule, List<RunRow> runs, ScheduleFormView form, String jobsHref) {
    }

    @TemplateData
    public record WorkerRow(String id, String host, String version, String heartbeat, int inFlight,
            String pagesPerSecond, String errors, boolean stale) {

        static WorkerRow of(WorkerService.Worker w) {
            JsonNode s = w.stats();
            return new WorkerRow(w.record().id(), w.record().host(), w.record().version(),
                    (w.heartbeatAgeMs() / 1000) + " s ago", w.record().inFlight(),
                    s.path("pagesPerSecond").asText("0"), s.path("errorsTotal").asText("0"), w.stale());
        }
    }

    @TemplateData
    public record WorkersPage(List<WorkerRow> workers, List<QueueDepthService.QueueDepth> queues,
            String queueError, int inFlight, String pagesPerSecond) {
    }

    static long percent(JobRecord j) {
        return j.tasksTotal() == 0 ? 0 : Math.min(100, (j.tasksDone() + j.tasksFailed()) * 100 / j.tasksTotal());
    }

    static String rate(JobRecord j, Instant now) {
        if (j.startedAt() == null) {
            return "0";
        }
        Instant end = j.finishedAt() != null ? j.finishedAt() : now;
        double seconds = Math.max(0.001, Duration.between(j.startedAt(), end).toMillis() / 1000.0);
        return String.format(java.util.Locale.ROOT, "%.1f", (j.tasksDone() + j.tasksFailed()) / seconds);
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** The extract field names of a spec, in order (the results preview's columns). */
    static List<String> columns(String spec) {
        List<String> names = new ArrayList<>();
        try {
            for (Iterator<String> it = WireJson.tree(spec).path("extract").path("fields").fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
        } catch (IllegalArgumentException e) {
            // a stored spec is always JSON; no columns otherwise
        }
        return names;
    }

    /** A result row: the item's value of each column, as text. */
    static ResultRow result(String url, String data, List<String> columns) {
        JsonNode node;
        try {
            node = WireJson.tree(data);
        } catch (IllegalArgumentException e) {
            node = WireJson.MAPPER.createObjectNode();
        }
        List<String> values = new ArrayList<>(columns.size());
        for (String c : columns) {
            JsonNode v = node.path(c);
            values.add(v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
        }
        return new ResultRow(url, values);
    }

    static String pretty(String json) {
        try {
            return WireJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(WireJson.tree(json));
        } catch (Exception e) {
            return json;
        }
    }
}
