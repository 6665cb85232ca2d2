package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import io.trawl.job.dispatch.Dispatcher;
import io.trawl.job.support.TestBroker;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Browser jobs' tasks go to trawl.tasks.browser, every other job's to trawl.tasks (real Postgres and RabbitMQ). */
@QuarkusTest
class BrowserRoutingTest {

    @Inject
    TestDb db;

    @Inject
    Dispatcher dispatcher;

    TestBroker broker;

    @BeforeEach
    void setUp() {
        db.reset();
        broker = new TestBroker();
        broker.purgeTasks();
        broker.drain(Topology.BROWSER_TASKS_QUEUE, body -> body);
    }

    @AfterEach
    void tearDown() {
        broker.close();
    }

    private static UUID create(String spec) {
        return UUID.fromString(given().auth().oauth2("test-key").contentType("application/json").body(spec)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    private static String job(String name, String host, String render) {
        return """
                {"name": "%s", "seeds": ["http://%s/a", "http://%s/b", "http://%s/c"], %s
                 "limits": {"perHostConcurrency": 8, "perHostDelayMs": 0}}
                """.formatted(name, host, host, host, render);
    }

    @Test
    void eachJobsTasksGoToTheQueueOfItsRendering() {
        UUID browser = create(job("js", "js.example", "\"render\": \"browser\", \"browser\": {\"waitMs\": 10},"));
        UUID plain = create(job("plain", "plain.example", ""));
        UUID explicit = create(job("explicit", "explicit.example", "\"render\": \"static\","));
        while (dispatcher.dispatchOnce().await().atMost(Duration.ofSeconds(60)) > 0) {
            // drain the frontier
        }
        List<TaskMessage> browserTasks = broker.drain(Topology.BROWSER_TASKS_QUEUE, TaskMessage.class);
        List<TaskMessage> staticTasks = broker.drain(Topology.TASKS_QUEUE, TaskMessage.class);
        assertThat(browserTasks).hasSize(3).allSatisfy(m -> assertThat(m.jobId()).isEqualTo(browser));
        assertThat(staticTasks).hasSize(6).allSatisfy(m -> assertThat(m.jobId()).isIn(plain, explicit));
    }

    @Test
    void browserQueueHasTheTaskQueueArguments() throws Exception {
        // A redeclaration with different arguments is refused by the broker (PRECONDITION_FAILED).
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(ConfigProvider.getConfig().getValue("trawl.rabbitmq.vhost", String.class));
        try (Connection connection = factory.newConnection("browser-routing-test");
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(Topology.BROWSER_TASKS_QUEUE, true, false, false, Topology.tasksQueueArguments());
        }
    }

    @Test
    void badBrowserOptionsAre400AndCreateNothing() {
        long before = db.count("SELECT count(*) FROM trawl.jobs");
        given().auth().oauth2("test-key").contentType("application/json")
                .body(job("bad", "bad.example", "\"browser\": {\"waitMs\": 60000, \"cookies\": 1},"))
                .post("/api/v1/jobs").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("browser"));
        given().auth().oauth2("test-key").contentType("application/json")
                .body(job("bad", "bad.example", "\"render\": \"browser\", \"browser\": {\"waitMs\": 60000, \"x\": 1},"))
                .post("/api/v1/jobs").then().statusCode(400)
                .body("errors.field", hasItem("browser.waitMs"), "errors.field", hasItem("browser.x"));
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isEqualTo(before);
    }
}
