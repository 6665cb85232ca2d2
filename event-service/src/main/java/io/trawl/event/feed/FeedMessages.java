package io.trawl.event.feed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.trawl.web.Problem;
import io.trawl.common.json.WireJson;

/**
 * The control messages of a feed, next to the event envelopes. An envelope always has a {@code seq}; a
 * control message never has one, and its {@code type} is one of {@code replayed}, {@code resync},
 * {@code error}, {@code gone}.
 */
public final class FeedMessages {

    public static final String REPLAYED = "replayed";
    public static final String RESYNC = "resync";
    public static final String ERROR = "error";
    public static final String GONE = "gone";

    private FeedMessages() {
    }

    /**
     * The history up to {@code after} has been sent; what follows is live. {@code status} is the job's status
     * when the subscription started; {@code terminal} says the job had finished and everything up to its end has
     * been sent (a client may close; a retry would still be delivered).
     */
    @RegisterForReflection
    @JsonPropertyOrder({"type", "jobId", "after", "status", "terminal"})
    public record Replayed(String type, String jobId, long after, String status, boolean terminal) {
    }

    /** The subscriber fell too far behind and is closed; reconnect with {@code after} (absent on the firehose). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "after"})
    public record Resync(String type, Long after) {
    }

    /** The subscription was refused; the connection closes right after. */
    @RegisterForReflection
    @JsonPropertyOrder({"type", "problem"})
    public record Error(String type, Problem problem) {
    }

    /**
     * The replay asked for events retention deleted; the connection closes right after. {@code earliestSeq} is
     * the first event still stored after {@code after}, absent when the job's whole history is gone.
     */
    @RegisterForReflection
    @JsonPropertyOrder({"type", "jobId", "after", "earliestSeq", "problem"})
    public record Gone(String type, String jobId, long after, Long earliestSeq, Problem problem) {
    }

    public static String gone(String jobId, long after, Long earliestSeq, Problem problem) {
        return WireJson.encodeString(new Gone(GONE, jobId, after, earliestSeq, problem));
    }

    public static String replayed(String jobId, long after, String status, boolean terminal) {
        return WireJson.encodeString(new Replayed(REPLAYED, jobId, after, status, terminal));
    }

    public static String resync(Long after) {
        return WireJson.encodeString(new Resync(RESYNC, after));
    }

    public static String error(Problem problem) {
        return WireJson.encodeString(new Error(ERROR, problem));
    }
}
