package io.trawl.event.support;

import io.trawl.event.config.TrawlConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes {@link JobFixtures} injectable in {@code @QuarkusTest}s, on the service's own pool and broker settings. */
public class FixturesProducer {

    @Produces
    @Singleton
    JobFixtures fixtures(Pool pool, TrawlConfig config) {
        return new JobFixtures(pool, config.rabbitmq());
    }

    void close(@Disposes JobFixtures fixtures) {
        fixtures.close();
    }
}
