package io.trawl.job.domain;

import java.util.Locale;

/** The control calls of the REST API: {@code POST /jobs/{id}/<command>}. */
public enum JobCommand {
    PAUSE, RESUME, KILL, RETRY;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
