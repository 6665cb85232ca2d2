package io.trawl.event.support;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.exception.FlywayValidateException;

/**
 * Applies job-service's Flyway migrations (the schema's only owner) to the test database before Quarkus
 * starts. event-service itself never migrates. Global: every test class shares one boot.
 */
@WithTestResource(value = DatabaseSchema.class, scope = TestResourceScope.GLOBAL)
public class DatabaseSchema implements QuarkusTestResourceLifecycleManager {

    /** The test database and vhost; {@code TRAWL_TEST_SUFFIX} keeps side-by-side runs apart, as in %test. */
    public static final String SPACE = "trawl_test_event" + env("TRAWL_TEST_SUFFIX", "");
    static final String URL = "jdbc:postgresql://" + env("TRAWL_DB_HOST", "127.0.0.1") + ":"
            + env("TRAWL_DB_PORT", "5432") + "/" + SPACE;

    @Override
    public Map<String, String> start() {
        Flyway flyway = Flyway.configure()
                .dataSource(URL, env("TRAWL_DB_USER", "trawl"), env("TRAWL_DB_PASSWORD", "trawl"))
                .locations("classpath:db/migration")
                .schemas("trawl")
                .createSchemas(true)
                .cleanDisabled(false)
                .load();
        try {
            flyway.migrate();
        } catch (FlywayValidateException e) {
            // A migration was edited since this test database was built: rebuild it (test data only).
            flyway.clean();
            flyway.migrate();
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
