package io.trawl.job.rest;

import io.trawl.web.ProblemException;
import java.util.UUID;

/** Parsing of the jobs listing's filters shared by the REST listing and the dashboard. */
public final class JobListFilters {

    /** Longest name search accepted. */
    public static final int MAX_QUERY = 200;

    private JobListFilters() {
    }

    /** The name search, blank as none; a 400 problem when too long. */
    public static String nameContains(String q) {
        if (q == null || q.isBlank()) {
            return null;
        }
        if (q.length() > MAX_QUERY) {
            throw ProblemException.badParameter("q", "is longer than " + MAX_QUERY + " characters");
        }
        return q.strip();
    }

    /** The created-by-schedule filter, blank as none; a 400 problem when not an id. */
    public static UUID scheduleId(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(raw.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badParameter("scheduleId", "is not a schedule id");
        }
    }
}
