package io.trawl.web;

import java.util.Locale;

/**
 * What an API key may do (DESIGN.md §7): {@code tenant} reads and controls its own tenant, {@code viewer}
 * only reads its own tenant, {@code admin} reads and controls every tenant and sees the fleet.
 */
public enum Role {
    VIEWER, TENANT, ADMIN;

    /** Whether this role may change anything (every POST/PUT/PATCH/DELETE is refused to a viewer). */
    public boolean canWrite() {
        return this != VIEWER;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
