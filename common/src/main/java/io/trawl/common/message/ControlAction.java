package io.trawl.common.message;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a control message tells every scrape worker about a job. */
public enum ControlAction {
    @JsonProperty("pause") PAUSE,
    @JsonProperty("resume") RESUME,
    @JsonProperty("kill") KILL
}
