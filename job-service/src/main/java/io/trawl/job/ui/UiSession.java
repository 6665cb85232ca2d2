package io.trawl.job.ui;

import io.trawl.web.Caller;
import io.trawl.web.Role;
import java.time.Instant;

/**
 * What a dashboard session cookie says: who (tenant and role, never the key), until when, and a random nonce
 * the CSRF token is derived from.
 */
public record UiSession(Caller caller, Instant expiresAt, String nonce) {

    public boolean canWrite() {
        return caller.role().canWrite();
    }

    public boolean isAdmin() {
        return caller.isAdmin();
    }

    public Role role() {
        return caller.role();
    }

    /** The tenant of a tenant or viewer session; null for an admin. */
    public String tenant() {
        return caller.tenant();
    }
}
