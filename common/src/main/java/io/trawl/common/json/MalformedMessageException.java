package io.trawl.common.json;

/** A message body that cannot be decoded into the wire type it claims to be (a poison message). */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
