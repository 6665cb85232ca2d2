package io.trawl.job.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Beans the rest of the service injects: the clock. */
public class InfrastructureProducers {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
