package io.trawl.scrape.worker;

import com.rabbitmq.client.Connection;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.trawl.common.message.Topology;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * Before the service boots: applies job-service's migrations (the schema's owner; the trawl-schema jar puts
 * them on the test classpath) to this module's test
 * database, empties the tables the tests use, and deletes leftover task queues of earlier runs in the test
 * vhost. Tests then never assume an empty database beyond this point: each works on its own jobs.
 */
public class SchemaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Flyway.configure()
                .dataSource(TestInfra.DB_URL, "trawl", "trawl")
                .schemas("trawl")
                .createSchemas(true)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        try (var db = TestInfra.db(); Statement st = db.createStatement()) {
            st.execute("TRUNCATE trawl.jobs, trawl.tasks, trawl.items, trawl.job_events, trawl.hosts, trawl.workers "
                    + "RESTART IDENTITY CASCADE");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot clean the test database", e);
        }
        try (Connection rabbit = TestInfra.rabbit("scrape-test-setup")) {
            TestInfra.deleteQueue(rabbit, Topology.TASKS_QUEUE);
            TestInfra.deleteQueue(rabbit, Topology.TASKS_DEAD_QUEUE);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
        // the database and vhost stay for inspection; the next run cleans them
    }
}
