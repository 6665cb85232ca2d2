package io.trawl.job.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/jobs/actions}, the listing's q/scheduleId filters and {@code GET /api/v1/queues}. */
@QuarkusTest
class JobActionsApiTest {

    @Inject
    TestDb db;

    @BeforeEach
    void clean() {
        db.reset();
    }

    @Test
    void bulkByFilterCountsFirstThenActsOnlyInScope() {
        String a = DashboardTest.create("test-key", Specs.simple("bulk-a"));
        String b = DashboardTest.create("test-key", Specs.simple("bulk-b"));
        String other = DashboardTest.create("test-key", Specs.simple("keep"));
        String foreign = DashboardTest.create("other-key", Specs.simple("bulk-foreign"));
        given().auth().oauth2("test-key").contentType(ContentType.JSON)
                .body("{\"action\":\"kill\",\"filter\":{\"q\":\"BULK\"},\"dryRun\":true}")
                .post("/api/v1/jobs/actions").then().statusCode(200).body("matched", equalTo(2))
                .body("changed", equalTo(0));
        assertThat(db.count("SELECT count(*) FROM trawl.jobs WHERE status = 'killed'")).isZero();
        given().auth().oauth2("test-key").contentType(ContentType.JSON)
                .body("{\"action\":\"kill\",\"filter\":{\"q\":\"bulk\"}}")
                .post("/api/v1/jobs/actions").then().statusCode(200).body("matched", equalTo(2))
                .body("changed", equalTo(2));
        assertThat(db.rows("SELECT id::text AS id FROM trawl.jobs WHERE status = 'killed'").stream()
                .map(r -> r.getString("id")).toList()).containsExactlyInAnyOrder(a, b);
        // a second time every job refuses nothing: kill is idempotent; resume of a killed job is refused with why
        given().auth().oauth2("test-key").contentType(ContentType.JSON)
                .body("{\"action\":\"resume\",\"ids\":[\"" + a + "\",\"" + other + "\",\"" + foreign + "\"]}")
                .post("/api/v1/jobs/actions").then().statusCode(200).body("matched", equalTo(2))
                .body("refused.id", hasItem(a));
        assertThat(db.rows("SELECT status FROM trawl.jobs WHERE id = $1::uuid", foreign).get(0).getString("status"))
                .isEqualTo("pending");
    }

    @Test
    void badBulkRequestsAre400AndChangeNothing() {
        String a = DashboardTest.create("test-key", Specs.simple("x"));
        for (String body : List.of("{\"action\":\"explode\",\"ids\":[\"" + a + "\"]}", "{\"action\":\"kill\"}",
                "{\"action\":\"kill\",\"ids\":[\"nope\"]}", "{\"action\":\"kill\",\"filter\":{\"status\":\"odd\"}}",
                "{\"action\":\"kill\",\"filter\":{},\"ids\":[]}", "[1]", "{\"action\":\"kill\",\"extra\":1}")) {
            given().auth().oauth2("test-key").contentType(ContentType.JSON).body(body).post("/api/v1/jobs/actions")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2("viewer-key").contentType(ContentType.JSON)
                .body("{\"action\":\"kill\",\"filter\":{}}").post("/api/v1/jobs/actions").then().statusCode(403);
        assertThat(db.count("SELECT count(*) FROM trawl.jobs WHERE status = 'killed'")).isZero();
    }

    @Test
    void listingFiltersByNameAndSchedule() {
        String a = DashboardTest.create("test-key", Specs.simple("plumbers austin"));
        DashboardTest.create("test-key", Specs.simple("roofers"));
        assertThat(given().auth().oauth2("test-key").queryParam("q", "PLUMB").get("/api/v1/jobs").then()
                .statusCode(200).extract().<List<String>>path("items.id")).containsExactly(a);
        assertThat(given().auth().oauth2("test-key").queryParam("q", "%").get("/api/v1/jobs").then()
                .statusCode(200).extract().<List<String>>path("items.id")).isEmpty();
        String schedule = given().auth().oauth2("test-key").contentType(ContentType.JSON)
                .body("{\"name\":\"s\",\"cron\":\"0 0 3 * * ?\",\"template\":" + Specs.simple("from-schedule") + "}")
                .post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        String fired = given().auth().oauth2("test-key").post("/api/v1/schedules/" + schedule + "/trigger").then()
                .statusCode(201).extract().path("jobId");
        assertThat(given().auth().oauth2("test-key").queryParam("scheduleId", schedule).get("/api/v1/jobs").then()
                .statusCode(200).extract().<List<String>>path("items.id")).containsExactly(fired);
        given().auth().oauth2("test-key").queryParam("scheduleId", "nope").get("/api/v1/jobs").then().statusCode(400);
    }

    @Test
    void queueDepthsAreForAdmins() {
        given().auth().oauth2("test-key").get("/api/v1/queues").then().statusCode(403);
        given().auth().oauth2("admin-key").get("/api/v1/queues").then().statusCode(200)
                .body("name", hasItem("trawl.tasks")).body("find { it.name == 'trawl.tasks' }.exists", equalTo(true));
    }
}
