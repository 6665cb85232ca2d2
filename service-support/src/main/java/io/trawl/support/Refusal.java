package io.trawl.support;

/**
 * Why a service refused a request. Services throw (or fail a {@code Uni} with) one of these and know nothing of
 * HTTP; the edges render each kind: web-support's {@code RefusalMapper} as its problem+json response (REST, SSE,
 * the dashboard's words), event-service's WebSocket endpoints as an {@code error} message and a 4000 + status
 * close. One vocabulary for every service; a service may refine a kind (event-service's {@code HistoryGone} is a
 * {@link Gone} that carries where the stored history starts).
 */
public abstract class Refusal extends RuntimeException {

    private Refusal(String message) {
        super(message, null, false, false);
    }

    /** The thing does not exist (or belongs to another tenant). */
    public static final class NotFound extends Refusal {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The thing exists but its current state forbids the change. */
    public static final class Conflict extends Refusal {
        public Conflict(String message) {
            super(message);
        }
    }

    /** The request repeats an earlier one (same idempotency key) with a different body. */
    public static final class Mismatch extends Refusal {
        public Mismatch(String message) {
            super(message);
        }
    }

    /** One input ({@code field}: a JSON path, header or parameter name) is unusable. */
    public static final class InvalidInput extends Refusal {
        private final String field;
        private final String reason;

        public InvalidInput(String field, String reason) {
            super(field + " " + reason);
            this.field = field;
            this.reason = reason;
        }

        public String field() {
            return field;
        }

        public String reason() {
            return reason;
        }
    }

    /** What was asked for existed once and has been deleted (by retention). */
    public static class Gone extends Refusal {
        protected Gone(String message) {
            super(message);
        }
    }

    /**
     * Something the request needs is not there right now or not configured (the broker is unreachable, feed
     * tokens have no secret). {@code kind} names what is missing in a few words of kebab case
     * ({@code broker-unavailable}), {@code summary} says it in a short sentence; the message is the detail.
     */
    public static final class Unavailable extends Refusal {
        private final String kind;
        private final String summary;

        public Unavailable(String kind, String summary, String message) {
            super(message);
            this.kind = kind;
            this.summary = summary;
        }

        public String kind() {
            return kind;
        }

        public String summary() {
            return summary;
        }
    }
}
