package io.trawl.event;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trawl.common.event.EventEnvelope;
import io.trawl.common.json.WireJson;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.JobFixtures;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/jobs/{id}/events?after=&limit=}: paging, bounds, problems, tenancy. */
@QuarkusTest
class ReplayResourceTest {

    @Inject
    JobFixtures fixtures;

    @Test
    void pagesThroughTheWholeHistoryWithNextAndTheStoredBytes() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        List<EventEnvelope> stored = new ArrayList<>();
        stored.addAll(fixtures.append(job, 120));
        stored.addAll(fixtures.append(job, 130));

        List<Long> seqs = new ArrayList<>();
        long after = 0;
        int pages = 0;
        while (true) {
            Response page = given().auth().oauth2("test-key").queryParam("after", after).queryParam("limit", 100)
                    .get("/api/v1/jobs/{id}/events", job);
            page.then().statusCode(200).contentType(startsWith("application/json"))
                    .body("jobId", equalTo(job.toString())).body("status", equalTo("running"))
                    .body("after", equalTo((int) after));
            pages++;
            List<Integer> items = page.path("items.seq");
            items.forEach(s -> seqs.add(s.longValue()));
            // Each envelope is byte-for-byte what the producer published.
            for (int i = 0; i < items.size(); i++) {
                assertThat(page.asString()).contains(WireJson.encodeString(stored.get(items.get(i) - 1)));
            }
            boolean more = page.path("hasMore");
            long next = ((Number) page.path("next")).longValue();
            if (!more) {
                assertThat(page.header("Link")).isNull();
                assertThat(next).isEqualTo(250);
                break;
            }
            assertThat(page.header("Link")).contains("after=" + next + "&limit=100").contains("rel=\"next\"");
            after = next;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seqs).hasSize(250).isSorted().doesNotHaveDuplicates();
        assertThat(seqs.get(0)).isEqualTo(1);

        // At the end: an empty page that says where to continue.
        given().auth().oauth2("test-key").queryParam("after", 250).get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).body("items.size()", equalTo(0)).body("next", equalTo(250))
                .body("hasMore", equalTo(false));
    }

    @Test
    void theLimitHasADefaultAndABound() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 150);
        given().auth().oauth2("test-key").get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).body("items.size()", equalTo(100)).body("hasMore", equalTo(true));
        given().auth().oauth2("test-key").queryParam("limit", 1000).get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).body("items.size()", equalTo(150)).body("hasMore", equalTo(false));
        for (String limit : List.of("0", "1001", "-5", "ten", "2.5")) {
            given().auth().oauth2("test-key").queryParam("limit", limit).get("/api/v1/jobs/{id}/events", job)
                    .then().statusCode(400).contentType(startsWith("application/problem+json"))
                    .body("errors[0].field", equalTo("limit"));
        }
    }

    @Test
    void badAfterValuesAre400() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 3);
        for (String after : List.of("-1", "abc", "1e3", "4", "99999999999999999999")) {
            given().auth().oauth2("test-key").queryParam("after", after).get("/api/v1/jobs/{id}/events", job)
                    .then().statusCode(400).contentType(startsWith("application/problem+json"))
                    .body("status", equalTo(400)).body("errors[0].field", equalTo("after"));
        }
    }

    @Test
    void unknownMalformedAndOtherTenantsJobsAre404AndAKeyIsRequired() {
        UUID job = fixtures.job("acme", JobStatus.COMPLETED);
        fixtures.append(job, 2);
        given().auth().oauth2("other-key").get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(404).contentType(startsWith("application/problem+json"));
        given().auth().oauth2("test-key").get("/api/v1/jobs/{id}/events", UUID.randomUUID())
                .then().statusCode(404).body("status", equalTo(404));
        given().auth().oauth2("test-key").get("/api/v1/jobs/not-a-job/events")
                .then().statusCode(404).contentType(startsWith("application/problem+json"));
        given().get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(401).contentType(startsWith("application/problem+json"));
        given().auth().oauth2("test-key").get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).body("terminal", equalTo(true)).body("status", equalTo("completed"))
                .body("items.size()", equalTo(2));
    }
}
