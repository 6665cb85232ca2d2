package io.trawl.web;

import java.util.Objects;

/**
 * Who made a request: the role of its key and, for {@link Role#TENANT} and {@link Role#VIEWER}, the tenant the
 * key belongs to. An admin key belongs to no tenant ({@code tenant} is null) and may name one per request.
 */
public record Caller(String tenant, Role role) {

    public Caller {
        Objects.requireNonNull(role, "role");
        if ((role == Role.ADMIN) != (tenant == null)) {
            throw new IllegalArgumentException("an admin has no tenant; every other role has one");
        }
    }

    public static Caller admin() {
        return new Caller(null, Role.ADMIN);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
