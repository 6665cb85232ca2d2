package io.trawl.job.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.common.event.EventType;
import io.trawl.common.spec.FieldError;
import io.trawl.common.spec.InvalidSpecException;
import io.trawl.job.domain.JsonBody;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A validated body of {@code POST /webhooks} or {@code PATCH /webhooks/{id}} (pure). Every field is optional
 * here; {@link #forCreate} requires {@code url} and fills in the default event types. Unknown fields, a
 * malformed URL, an unknown event type are 400s listing every bad field.
 */
public record WebhookRequest(Optional<URI> url, Optional<List<String>> events, Optional<UUID> jobId,
        Optional<String> description, Optional<Boolean> enabled) {

    /** Without {@code events}: every job.* type. */
    public static final List<String> DEFAULT_EVENTS = Arrays.stream(EventType.values()).map(EventType::wire)
            .filter(t -> t.startsWith("job.")).toList();

    static final int MAX_URL = 2048;
    static final int MAX_DESCRIPTION = 500;
    private static final Set<String> CREATE_FIELDS = Set.of("url", "events", "jobId", "description", "enabled");
    private static final Set<String> PATCH_FIELDS = Set.of("url", "events", "description", "enabled");

    public static WebhookRequest forCreate(String body) {
        WebhookRequest r = parse(body, CREATE_FIELDS, true);
        return new WebhookRequest(r.url, Optional.of(r.events.orElse(DEFAULT_EVENTS)), r.jobId, r.description,
                r.enabled);
    }

    public static WebhookRequest forPatch(String body) {
        return parse(body, PATCH_FIELDS, false);
    }

    private static WebhookRequest parse(String body, Set<String> fields, boolean create) {
        JsonNode root = JsonBody.object(body, "the request body must be a JSON object");
        List<FieldError> errors = new ArrayList<>();
        root.fieldNames().forEachRemaining(f -> {
            if (!fields.contains(f)) {
                errors.add(new FieldError(f, f.equals("jobId") ? "cannot be changed: create another webhook"
                        : "unknown field"));
            }
        });
        Optional<URI> url = Optional.empty();
        JsonNode u = root.get("url");
        if (u == null || u.isNull()) {
            if (create) {
                errors.add(new FieldError("url", "is required"));
            }
        } else if (!u.isTextual()) {
            errors.add(new FieldError("url", "must be a string"));
        } else {
            url = url(u.asText(), errors);
        }
        Optional<List<String>> events = Optional.empty();
        JsonNode e = root.get("events");
        if (e != null && !e.isNull()) {
            events = events(e, errors);
        }
        Optional<UUID> jobId = Optional.empty();
        JsonNode j = root.get("jobId");
        if (j != null && !j.isNull() && fields.contains("jobId")) {
            try {
                if (!j.isTextual()) {
                    throw new IllegalArgumentException("not a string");
                }
                jobId = Optional.of(UUID.fromString(j.asText()));
            } catch (IllegalArgumentException bad) {
                errors.add(new FieldError("jobId", "must be a job id (a UUID string)"));
            }
        }
        Optional<String> description = Optional.empty();
        JsonNode d = root.get("description");
        if (d != null && !d.isNull()) {
            if (!d.isTextual() || d.asText().length() > MAX_DESCRIPTION) {
                errors.add(new FieldError("description", "must be a string of at most " + MAX_DESCRIPTION
                        + " characters"));
            } else {
                description = Optional.of(d.asText());
            }
        }
        Optional<Boolean> enabled = Optional.empty();
        JsonNode en = root.get("enabled");
        if (en != null && !en.isNull()) {
            if (!en.isBoolean()) {
                errors.add(new FieldError("enabled", "must be true or false"));
            } else {
                enabled = Optional.of(en.asBoolean());
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return new WebhookRequest(url, events, jobId, description, enabled);
    }

    /** An absolute http(s) URL with a host, no user info and no fragment. */
    static Optional<URI> url(String text, List<FieldError> errors) {
        if (text.length() > MAX_URL) {
            errors.add(new FieldError("url", "must be at most " + MAX_URL + " characters"));
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                errors.add(new FieldError("url", "must be an http or https URL"));
            } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
                errors.add(new FieldError("url", "must name a host"));
            } else if (uri.getRawUserInfo() != null) {
                errors.add(new FieldError("url", "must not carry user info (credentials go in the signature)"));
            } else if (uri.getRawFragment() != null) {
                errors.add(new FieldError("url", "must not have a fragment"));
            } else {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError("url", "is not a valid URL"));
        }
        return Optional.empty();
    }

    private static Optional<List<String>> events(JsonNode e, List<FieldError> errors) {
        if (!e.isArray() || e.isEmpty()) {
            errors.add(new FieldError("events", "must be a non-empty array of event types"));
            return Optional.empty();
        }
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < e.size(); i++) {
            JsonNode t = e.get(i);
            try {
                types.add(EventType.fromWire(t.isTextual() ? t.asText() : "").wire());
            } catch (IllegalArgumentException unknown) {
                errors.add(new FieldError("events[" + i + "]", "is not an event type (job.created, job.completed, "
                        + "task.failed, ...)"));
            }
        }
        return Optional.of(List.copyOf(types));
    }
}
