package io.trawl.job.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.common.json.WireJson;
import io.trawl.support.Refusal;

/** A request body that must be one JSON object (pure): parsed, or refused naming {@code $}. */
public final class JsonBody {

    private JsonBody() {
    }

    /**
     * The body as a JSON object. Refused as {@link Refusal.InvalidInput} of {@code $} when it is empty, is not
     * JSON, or is JSON but not an object ({@code notAnObject} says so in the caller's words).
     */
    public static JsonNode object(String body, String notAnObject) {
        if (body == null || body.isBlank()) {
            throw new Refusal.InvalidInput("$", "the request body must be a JSON object");
        }
        JsonNode root;
        try {
            root = WireJson.tree(body);
        } catch (IllegalArgumentException e) {
            throw new Refusal.InvalidInput("$", "is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Refusal.InvalidInput("$", notAnObject);
        }
        return root;
    }
}
