package io.trawl.web;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * Who the current request is, resolved once by {@link ApiKeyFilter}: its {@link Caller} (role and own tenant)
 * and the tenant it acts on. Every resource asks this object, never the key.
 * <ul>
 * <li>a tenant or viewer key acts on its own tenant ({@code ?tenant=} is ignored);</li>
 * <li>an admin key acts on the tenant named by {@code ?tenant=}, or on every tenant when it names none
 * ({@link #scope()} is empty, and {@link #id()}, for calls that need exactly one tenant, is a 400).</li>
 * </ul>
 */
@RequestScoped
public class CurrentTenant {

    private Caller caller;
    private String requested;

    /** The tenant this request acts on; for an admin without {@code ?tenant=} a 400 problem. */
    public String id() {
        return scope().orElseThrow(() -> ProblemException.badParameter("tenant",
                "an admin key acts on every tenant: name one with ?tenant=<tenant> for this call"));
    }

    /** The tenant this request is limited to; empty for an admin looking at every tenant. */
    public Optional<String> scope() {
        Caller c = caller();
        return c.isAdmin() ? Optional.ofNullable(requested) : Optional.of(c.tenant());
    }

    public Caller caller() {
        if (caller == null) {
            throw ProblemException.unauthorized("a valid API key is required");
        }
        return caller;
    }

    public Role role() {
        return caller().role();
    }

    public boolean isAdmin() {
        return caller().isAdmin();
    }

    /** Sets the caller; {@code requestedTenant} ({@code ?tenant=}) counts for admins only. */
    public void set(Caller caller, String requestedTenant) {
        this.caller = caller;
        this.requested = requestedTenant == null || requestedTenant.isBlank() ? null : requestedTenant.strip();
    }
}
