package io.trawl.job.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

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

/** The subscription API: CRUD, tenant scope, secret rotation, and bad input that changes nothing. */
@QuarkusTest
class WebhookApiTest {

    static final String KEY = "test-key";
    static final String OTHER_KEY = "other-key";
    static final String VIEWER_KEY = "viewer-key";
    static final String RECEIVER = "http://127.0.0.1:9/hook";

    @Inject
    TestDb db;

    @BeforeEach
    void clean() {
        db.reset();
        db.update("TRUNCATE trawl.webhooks CASCADE");
    }

    static String createJob(String key, String name) {
        return given().auth().oauth2(key).contentType(ContentType.JSON).body(Specs.simple(name))
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    @Test
    void createShowsTheSecretOnceAndDefaultsToTheJobEvents() {
        String id = given().auth().oauth2(KEY).contentType(ContentType.JSON)
                .body("{\"url\": \"" + RECEIVER + "\", \"description\": \"ops\"}")
                .post("/api/v1/webhooks").then().statusCode(201)
                .header("Location", notNullValue())
                .body("secret", startsWith("whsec_"))
                .body("events", equalTo(WebhookRequest.DEFAULT_EVENTS))
                .body("enabled", equalTo(true)).body("description", equalTo("ops"))
                .extract().path("id");
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id).then().statusCode(200)
                .body("url", equalTo(RECEIVER)).body("secret", nullValue());
        given().auth().oauth2(KEY).get("/api/v1/webhooks").then().statusCode(200)
                .body("items.id", hasItem(id)).body("items[0].secret", nullValue());
    }

    @Test
    void patchPausesAndResumesAndDeleteRemoves() {
        String id = create(KEY, "{\"url\": \"" + RECEIVER + "\", \"events\": [\"job.completed\"]}");
        given().auth().oauth2(KEY).contentType(ContentType.JSON).body("{\"enabled\": false}")
                .patch("/api/v1/webhooks/" + id).then().statusCode(200).body("enabled", equalTo(false))
                .body("events", equalTo(List.of("job.completed")));
        given().auth().oauth2(KEY).contentType(ContentType.JSON)
                .body("{\"enabled\": true, \"events\": [\"task.failed\", \"job.failed\"]}")
                .patch("/api/v1/webhooks/" + id).then().statusCode(200).body("enabled", equalTo(true))
                .body("events", equalTo(List.of("task.failed", "job.failed")));
        given().auth().oauth2(KEY).delete("/api/v1/webhooks/" + id).then().statusCode(204);
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void rotateIssuesANewSecretAndKeepsTheOldOneSigningForADay() {
        String body = given().auth().oauth2(KEY).contentType(ContentType.JSON).body("{\"url\": \"" + RECEIVER + "\"}")
                .post("/api/v1/webhooks").then().statusCode(201).extract().asString();
        String id = io.restassured.path.json.JsonPath.from(body).getString("id");
        String first = io.restassured.path.json.JsonPath.from(body).getString("secret");
        String second = given().auth().oauth2(KEY).post("/api/v1/webhooks/" + id + "/rotate-secret").then()
                .statusCode(200).body("secret", startsWith("whsec_")).body("previousSecretUntil", notNullValue())
                .extract().path("secret");
        assertThat(second).isNotEqualTo(first);
        assertThat(db.rows("SELECT previous_secret FROM trawl.webhooks WHERE id = $1::uuid", id).get(0).getString(0))
                .isEqualTo(first);
    }

    @Test
    void subscriptionsAreTenantScoped() {
        String id = create(KEY, "{\"url\": \"" + RECEIVER + "\"}");
        given().auth().oauth2(OTHER_KEY).get("/api/v1/webhooks/" + id).then().statusCode(404);
        given().auth().oauth2(OTHER_KEY).get("/api/v1/webhooks").then().statusCode(200).body("items", hasSize(0));
        given().auth().oauth2(OTHER_KEY).delete("/api/v1/webhooks/" + id).then().statusCode(404);
        given().auth().oauth2(OTHER_KEY).get("/api/v1/webhooks/" + id + "/deliveries").then().statusCode(404);
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id).then().statusCode(200);
    }

    @Test
    void aSubscriptionForOneJobOfTheTenant() {
        String job = createJob(KEY, "mine");
        create(KEY, "{\"url\": \"" + RECEIVER + "\", \"jobId\": \"" + job + "\"}");
        assertThat(db.count("SELECT count(*) FROM trawl.webhooks WHERE job_id = $1::uuid", job)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "[]",
            "{}",
            "{\"url\": 42}",
            "{\"url\": \"not a url\"}",
            "{\"url\": \"ftp://127.0.0.1/hook\"}",
            "{\"url\": \"http:///nohost\"}",
            "{\"url\": \"http://user:pw@127.0.0.1/hook\"}",
            "{\"url\": \"http://10.1.2.3/hook\"}",
            "{\"url\": \"http://169.254.169.254/latest/meta-data\"}",
            "{\"url\": \"http://192.168.0.10:8080/hook\"}",
            "{\"url\": \"http://[fe80::1]/hook\"}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": [\"job.exploded\"]}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": []}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"events\": \"job.completed\"}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"jobId\": \"nope\"}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"jobId\": \"00000000-0000-0000-0000-000000000001\"}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"secret\": \"mine\"}",
            "{\"url\": \"http://127.0.0.1:9/hook\", \"enabled\": \"yes\"}",
            "{\"url\": \"http://127.0.0.1:9/hook\"",
    })
    void badInputIsAProblemAndChangesNothing(String body) {
        given().auth().oauth2(KEY).contentType(ContentType.JSON).body(body)
                .post("/api/v1/webhooks").then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400));
        assertThat(db.count("SELECT count(*) FROM trawl.webhooks")).isZero();
    }

    @Test
    void anotherTenantsJobIsRefused() {
        String theirs = createJob(OTHER_KEY, "theirs");
        given().auth().oauth2(KEY).contentType(ContentType.JSON)
                .body("{\"url\": \"" + RECEIVER + "\", \"jobId\": \"" + theirs + "\"}")
                .post("/api/v1/webhooks").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("jobId"));
        assertThat(db.count("SELECT count(*) FROM trawl.webhooks")).isZero();
    }

    @Test
    void viewersCannotCreateChangeOrDelete() {
        given().auth().oauth2(VIEWER_KEY).contentType(ContentType.JSON).body("{\"url\": \"" + RECEIVER + "\"}")
                .post("/api/v1/webhooks").then().statusCode(403).contentType("application/problem+json");
        assertThat(db.count("SELECT count(*) FROM trawl.webhooks")).isZero();
        String id = create(KEY, "{\"url\": \"" + RECEIVER + "\"}");
        given().auth().oauth2(VIEWER_KEY).contentType(ContentType.JSON).body("{\"enabled\": false}")
                .patch("/api/v1/webhooks/" + id).then().statusCode(403);
        given().auth().oauth2(VIEWER_KEY).post("/api/v1/webhooks/" + id + "/rotate-secret").then().statusCode(403);
        given().auth().oauth2(VIEWER_KEY).delete("/api/v1/webhooks/" + id).then().statusCode(403);
        given().auth().oauth2(VIEWER_KEY).get("/api/v1/webhooks/" + id).then().statusCode(200)
                .body("enabled", equalTo(true)).body("secret", nullValue());
    }

    @Test
    void badPatchesAndQueriesAreProblems() {
        String id = create(KEY, "{\"url\": \"" + RECEIVER + "\"}");
        for (String body : List.of("{\"jobId\": \"00000000-0000-0000-0000-000000000001\"}", "{\"url\": \"http://10.0.0.1/\"}",
                "{\"events\": [\"nope\"]}", "{\"enabled\": 1}", "{\"colour\": \"red\"}")) {
            given().auth().oauth2(KEY).contentType(ContentType.JSON).body(body).patch("/api/v1/webhooks/" + id)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id).then().statusCode(200)
                .body("url", equalTo(RECEIVER)).body("enabled", equalTo(true))
                .body("events", equalTo(WebhookRequest.DEFAULT_EVENTS));
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id + "/deliveries?status=lost").then().statusCode(400);
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id + "/deliveries?limit=0").then().statusCode(400);
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id + "/deliveries?cursor=***").then().statusCode(400);
        given().auth().oauth2(KEY).get("/api/v1/webhooks/not-a-uuid").then()
                .statusCode(org.hamcrest.Matchers.allOf(org.hamcrest.Matchers.greaterThanOrEqualTo(400),
                        org.hamcrest.Matchers.lessThan(500)));
        given().auth().oauth2(KEY).post("/api/v1/webhooks/" + id + "/deliveries/12345/redeliver").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(KEY).get("/api/v1/webhooks/" + id + "/deliveries").then().statusCode(200)
                .body("items", hasSize(0)).body("nextCursor", not(notNullValue()));
    }

    static String create(String key, String body) {
        return given().auth().oauth2(key).contentType(ContentType.JSON).body(body)
                .post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
    }
}
