package io.trawl.job.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.common.spec.FieldError;
import io.trawl.common.spec.InvalidSpecException;
import io.trawl.common.spec.JobSpec;
import io.trawl.common.spec.JobSpecParser;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates a schedule body: {@code name}, {@code cron} (Quartz syntax), {@code timezone} (IANA, default
 * UTC), {@code misfireGrace} (ISO-8601 duration, default PT5M, at most 7 days), {@code overlap}
 * (skip|queue|allow, default skip), {@code enabled} (default true) and {@code template} (a job spec).
 * Reports every bad field, template fields prefixed with {@code template.}.
 */
public final class ScheduleDefinitionParser {

    private static final Set<String> FIELDS = Set.of("name", "cron", "timezone", "misfireGrace", "overlap",
            "enabled", "template");
    static final Duration MAX_GRACE = Duration.ofDays(7);

    private ScheduleDefinitionParser() {
    }

    /** @param now when the definition is made (a cron that never fires after it is rejected) */
    public static ScheduleDefinition parse(JsonNode root, java.time.Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException(List.of(new FieldError("$", "the schedule must be a JSON object")));
        }
        root.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                errors.add(new FieldError(f, "unknown field"));
            }
        });
        String name = text(root, "name", null, errors);
        if (name != null && (name.isBlank() || name.length() > 200)) {
            errors.add(new FieldError("name", "must be 1-200 characters"));
        }
        String zoneName = text(root, "timezone", "UTC", errors);
        ZoneId zone = null;
        if (zoneName != null) {
            if (ZoneId.getAvailableZoneIds().contains(zoneName)) {
                zone = ZoneId.of(zoneName);
            } else {
                errors.add(new FieldError("timezone", "must be an IANA time zone such as Europe/Berlin"));
            }
        }
        String expression = text(root, "cron", null, errors);
        CronSchedule cron = null;
        if (expression != null && zone != null) {
            try {
                cron = CronSchedule.of(expression, zone);
                if (cron.nextAfter(now).isEmpty()) {
                    errors.add(new FieldError("cron", "never fires"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("cron", "is not a valid Quartz cron expression ("
                        + "seconds minutes hours day-of-month month day-of-week [year]): " + e.getMessage()));
            }
        }
        Duration grace = Duration.ofMinutes(5);
        String graceText = text(root, "misfireGrace", "PT5M", errors);
        if (graceText != null) {
            try {
                grace = Duration.parse(graceText);
                if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
                    errors.add(new FieldError("misfireGrace", "must be between PT0S and P7D"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("misfireGrace", "must be an ISO-8601 duration such as PT10M"));
            }
        }
        OverlapPolicy overlap = OverlapPolicy.SKIP;
        String overlapText = text(root, "overlap", "skip", errors);
        if (overlapText != null) {
            try {
                overlap = OverlapPolicy.fromWire(overlapText);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("overlap", "must be one of skip, queue, allow"));
            }
        }
        boolean enabled = true;
        JsonNode enabledNode = root.get("enabled");
        if (enabledNode != null && !enabledNode.isNull()) {
            if (enabledNode.isBoolean()) {
                enabled = enabledNode.asBoolean();
            } else {
                errors.add(new FieldError("enabled", "must be true or false"));
            }
        }
        JobSpec template = null;
        JsonNode templateNode = root.get("template");
        if (templateNode == null || templateNode.isNull()) {
            errors.add(new FieldError("template", "is required: the job spec each fire submits"));
        } else {
            try {
                template = JobSpecParser.parse(templateNode);
            } catch (InvalidSpecException e) {
                e.errors().forEach(err -> errors.add(new FieldError(
                        "template" + (err.field().equals("$") ? "" : "." + err.field()), err.message())));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return new ScheduleDefinition(name, cron, grace, overlap, enabled, template);
    }

    private static String text(JsonNode root, String field, String dflt, List<FieldError> errors) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (dflt == null) {
                errors.add(new FieldError(field, "is required"));
            }
            return dflt;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return node.asText();
    }
}
