package io.trawl.scrape.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who this pod is: {@code <host>-<8 hex>} (the host name is the pod name on Kubernetes; the suffix comes from
 * {@code quarkus.uuid}, unique per start, which also names this pod's control queue).
 */
@ApplicationScoped
public class WorkerIdentity {

    private final String id;
    private final String host;
    private final String version;
    private final Instant startedAt;

    public WorkerIdentity(@ConfigProperty(name = "quarkus.uuid") String uuid,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version, Clock clock) {
        this.startedAt = clock.instant();
        this.host = hostName();
        this.id = host + "-" + uuid.replace("-", "").substring(0, 8);
        this.version = version;
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public String version() {
        return version;
    }

    public Instant startedAt() {
        return startedAt;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "scrape";
        }
    }
}
