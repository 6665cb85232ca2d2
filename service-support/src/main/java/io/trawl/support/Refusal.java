package io.trawl.job.domain;

/**
 * Why a service refused a request. Services throw (or fail a {@code Uni} with) one of these and know nothing
 * of HTTP; the REST edge ({@code rest/RefusalMapper}) renders each kind as its problem+json response.
 */
public abstract sealed class Refusal extends RuntimeException
        permits Refusal.NotFound, Refusal.Conflict, Refusal.Mismatch, Refusal.InvalidInput {

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
}
