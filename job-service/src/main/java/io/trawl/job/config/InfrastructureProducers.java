package io.trawl.job.config;

import io.trawl.common.http.ApiKeys;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Beans the rest of the service injects: the API keys of the configuration and the clock. */
public class InfrastructureProducers {

    @Produces
    @Singleton
    ApiKeys apiKeys(TrawlConfig config) {
        return ApiKeys.parse(config.apiKeys().orElse(""));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
