package io.trawl.job;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Roles of DESIGN.md §7: viewer keys read only, admin keys act on a tenant they name. */
@QuarkusTest
class RolesTest {

    static final String VIEWER = "viewer-key";
    static final String ADMIN = "admin-key";

    @Inject
    TestDb db;

    @BeforeEach
    void clean() {
        db.reset();
    }

    @Test
    void viewerReadsItsTenant() {
        String id = JobApiTest.create(Specs.simple("seen"));
        given().auth().oauth2(VIEWER).get("/api/v1/jobs/" + id).then().statusCode(200).body("id", equalTo(id));
        given().auth().oauth2(VIEWER).get("/api/v1/jobs").then().statusCode(200).body("items.id", hasItem(id));
        given().auth().oauth2(VIEWER).get("/api/v1/jobs/" + id + "/tasks").then().statusCode(200);
    }

    @Test
    void viewerCannotCreate() {
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body(Specs.simple("nope"))
                .post("/api/v1/jobs").then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403));
        assertThat(db.rows("SELECT 1 FROM trawl.jobs")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pause", "resume", "kill", "retry"})
    void viewerCannotControl(String action) {
        String id = JobApiTest.create(Specs.simple("controlled"));
        given().auth().oauth2(VIEWER).post("/api/v1/jobs/" + id + "/" + action).then().statusCode(403);
        List<String> events = db.rows("SELECT type FROM trawl.job_events WHERE job_id = $1::uuid", id).stream()
                .map(r -> r.getString("type")).toList();
        assertThat(events).containsExactly("job.created");
    }

    @Test
    void viewerCannotChangeSchedules() {
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON)
                .body("{\"name\":\"s\",\"cron\":\"0 0 9 ? * MON-FRI\",\"timezone\":\"Europe/Berlin\",\"template\":" + Specs.simple("s") + "}")
                .post("/api/v1/schedules").then().statusCode(403);
        assertThat(db.rows("SELECT 1 FROM trawl.schedules")).isEmpty();
    }

    @Test
    void adminActsOnTheTenantItNames() {
        String id = JobApiTest.create(Specs.simple("acme's"));
        given().auth().oauth2(ADMIN).queryParam("tenant", "acme").get("/api/v1/jobs/" + id).then().statusCode(200);
        given().auth().oauth2(ADMIN).queryParam("tenant", "globex").get("/api/v1/jobs/" + id).then().statusCode(404);
        given().auth().oauth2(ADMIN).queryParam("tenant", "acme").post("/api/v1/jobs/" + id + "/pause")
                .then().statusCode(200).body("status", equalTo("paused"));
    }

    @Test
    void adminCreatingWithoutATenantIsABadRequest() {
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(Specs.simple("whose"))
                .post("/api/v1/jobs").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("tenant"));
        assertThat(db.rows("SELECT 1 FROM trawl.jobs")).isEmpty();
    }

    @Test
    void aTenantKeyIgnoresTheTenantParameter() {
        String id = JobApiTest.create(Specs.simple("mine"));
        given().auth().oauth2(JobApiTest.OTHER_KEY).queryParam("tenant", "acme").get("/api/v1/jobs/" + id)
                .then().statusCode(404);
    }
}
