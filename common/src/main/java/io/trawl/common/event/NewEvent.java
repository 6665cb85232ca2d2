package io.trawl.common.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An event about to be appended: its type and data; the sequence number and time come from the append. */
public record NewEvent(EventType type, ObjectNode data) {
}
