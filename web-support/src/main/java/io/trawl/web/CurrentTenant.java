package io.trawl.web;

import jakarta.enterprise.context.RequestScoped;

/** The tenant of the API key that authenticated the current request (set by {@link ApiKeyFilter}). */
@RequestScoped
public class CurrentTenant {

    private String id;

    public String id() {
        if (id == null) {
            throw ProblemException.unauthorized("a valid API key is required");
        }
        return id;
    }

    void set(String id) {
        this.id = id;
    }
}
