package io.trawl.job.ui;

import io.trawl.web.Caller;
import io.trawl.web.CallerResolver;
import io.trawl.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Optional;
import java.util.Set;

/**
 * Lets the dashboard's session cookie authenticate {@code /api/...} calls of the page's script (asked by the
 * API-key filter only when no key is present). A state-changing call must carry the session's CSRF token in
 * {@code X-CSRF-Token}, or it is a 403 problem and changes nothing.
 */
@ApplicationScoped
public class SessionCallerResolver implements CallerResolver {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final UiSessions sessions;

    public SessionCallerResolver(UiSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Optional<Caller> resolve(ContainerRequestContext request) {
        Optional<UiSession> session = sessions.of(request.getCookies());
        if (session.isEmpty()) {
            return Optional.empty();
        }
        if (!SAFE.contains(request.getMethod())
                && !sessions.validCsrf(session.get(), request.getHeaderString(UiSessions.CSRF_HEADER))) {
            throw ProblemException.forbidden("missing or wrong " + UiSessions.CSRF_HEADER
                    + " header for a session-authenticated change");
        }
        return Optional.of(session.get().caller());
    }
}
