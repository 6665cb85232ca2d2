package io.trawl.job.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.trawl.common.state.JobStatus;
import io.trawl.job.domain.JobCommand;
import io.trawl.job.domain.JsonBody;
import io.trawl.job.repository.JobSearchRepository.JobFilter;
import io.trawl.job.service.JobBulkService;
import io.trawl.web.CurrentTenant;
import io.trawl.web.Problem;
import io.trawl.web.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /api/v1/jobs/actions}: pause, resume, kill or retry a selection of jobs at once — listed ids
 * ({@code "ids": [...]}) or every job matching a filter ({@code "filter": {"status", "q", "scheduleId"}}, the
 * listing's own filters) — with {@code "dryRun": true} to learn how many jobs it would touch first.
 */
@Path("/api/v1/jobs/actions")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class JobActionsResource {

    private static final Set<String> FIELDS = Set.of("action", "ids", "filter", "dryRun");
    private static final Set<String> FILTER_FIELDS = Set.of("status", "q", "scheduleId");

    private final JobBulkService bulk;
    private final CurrentTenant tenant;

    public JobActionsResource(JobBulkService bulk, CurrentTenant tenant) {
        this.bulk = bulk;
        this.tenant = tenant;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Apply pause, resume, kill or retry to several jobs", description = "Either \"ids\" (at most "
            + JobBulkService.MAX_JOBS + ") or \"filter\" (status, q = name contains, scheduleId; {} = every job in "
            + "scope). Each job follows the single-job rules: illegal ones are listed under \"refused\" with the "
            + "reason, the others change. \"dryRun\": true only counts the jobs it would touch. An admin acts on "
            + "every tenant unless ?tenant= names one.")
    @RequestBody(description = "{\"action\": \"retry\", \"filter\": {\"status\": \"failed\"}}")
    @APIResponse(responseCode = "200", description = "matched, changed, unchanged and refused jobs")
    @APIResponse(responseCode = "400", description = "Bad action, ids or filter")
    public Uni<JobBulkService.BulkResult> apply(String body) {
        JsonNode root = parse(body);
        JobCommand command = command(root.path("action"));
        boolean dryRun = root.path("dryRun").asBoolean(false);
        boolean hasIds = root.has("ids");
        boolean hasFilter = root.has("filter");
        if (hasIds == hasFilter) {
            throw ProblemException.badParameter("ids", "give either ids or filter (exactly one)");
        }
        if (hasIds) {
            return bulk.apply(tenant.scope(), command, ids(root.get("ids")), dryRun);
        }
        return bulk.apply(filter(root.get("filter")), command, dryRun);
    }

    private static JsonNode parse(String body) {
        JsonNode root = JsonBody.object(body, "must be a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw ProblemException.badParameter(name, "is not a known field (action, ids, filter, dryRun)");
            }
        }
        if (root.has("dryRun") && !root.get("dryRun").isBoolean()) {
            throw ProblemException.badParameter("dryRun", "must be true or false");
        }
        return root;
    }

    static JobCommand command(JsonNode action) {
        return JobActions.command(action.isTextual() ? action.asText() : null);
    }

    private static List<UUID> ids(JsonNode ids) {
        if (!ids.isArray() || ids.isEmpty()) {
            throw ProblemException.badParameter("ids", "must be a non-empty array of job ids");
        }
        if (ids.size() > JobBulkService.MAX_JOBS) {
            throw ProblemException.badParameter("ids", "may list at most " + JobBulkService.MAX_JOBS + " jobs");
        }
        List<UUID> list = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            try {
                list.add(UUID.fromString(ids.get(i).asText("")));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badParameter("ids[" + i + "]", "is not a job id");
            }
        }
        return list;
    }

    private JobFilter filter(JsonNode filter) {
        if (!filter.isObject()) {
            throw ProblemException.badParameter("filter", "must be an object (status, q, scheduleId)");
        }
        for (Iterator<String> it = filter.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FILTER_FIELDS.contains(name)) {
                throw ProblemException.badParameter("filter." + name, "is not a known filter (status, q, scheduleId)");
            }
        }
        JobStatus status = null;
        if (filter.hasNonNull("status")) {
            try {
                status = JobStatus.fromWire(filter.get("status").asText());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badParameter("filter.status",
                        "must be one of pending, running, paused, completed, failed, killed");
            }
        }
        UUID schedule = null;
        if (filter.hasNonNull("scheduleId")) {
            try {
                schedule = UUID.fromString(filter.get("scheduleId").asText());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badParameter("filter.scheduleId", "is not a schedule id");
            }
        }
        String q = filter.hasNonNull("q") ? filter.get("q").asText() : null;
        if (q != null && q.length() > 200) {
            throw ProblemException.badParameter("filter.q", "is longer than 200 characters");
        }
        return new JobFilter(tenant.scope(), status, q, schedule);
    }
}
