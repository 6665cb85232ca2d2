package io.trawl.common.spec;

import java.util.List;

/** Thrown when input fails validation; carries every bad field, not just the first. */
public class InvalidSpecException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidSpecException(List<FieldError> errors) {
        super(errors.size() + " invalid field(s): " + errors);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
