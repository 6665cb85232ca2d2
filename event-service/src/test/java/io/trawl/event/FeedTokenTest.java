package io.trawl.event;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trawl.common.state.JobStatus;
import io.trawl.event.support.FeedClient;
import io.trawl.event.support.JobFixtures;
import io.trawl.event.support.SseClient;
import io.trawl.web.FeedTokens;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Feed tokens (DESIGN.md §7) stand where an API key does: REST replay and SSE with {@code Authorization: Bearer},
 * the WebSocket with {@code access_token}; tenant-scoped, admin tokens and keys see every tenant; expired,
 * tampered or foreign-secret tokens are 401. Also CORS for the dashboard's origin.
 */
@QuarkusTest
class FeedTokenTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration TTL = Duration.ofMinutes(5);
    static final String DASHBOARD = "http://localhost:8080";

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobFixtures fixtures;

    @ConfigProperty(name = "trawl.feed-token.secret")
    String secret;

    FeedTokens tokens() {
        return FeedTokens.withSecret(secret);
    }

    String token(String tenant) {
        return tokens().mint(tenant, Instant.now(), TTL).token();
    }

    @Test
    void aTenantTokenReplaysItsTenantsJobAndNotAnotherTenants() {
        UUID acme = fixtures.job("acme", JobStatus.RUNNING);
        UUID globex = fixtures.job("globex", JobStatus.RUNNING);
        fixtures.append(acme, 3);
        fixtures.append(globex, 2);

        given().auth().oauth2(token("acme")).get("/api/v1/jobs/{id}/events", acme).then().statusCode(200)
                .body("items.seq", org.hamcrest.Matchers.contains(1, 2, 3));
        given().auth().oauth2(token("acme")).get("/api/v1/jobs/{id}/events", globex).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        // ?tenant= means nothing to a tenant's token.
        given().auth().oauth2(token("acme")).queryParam("tenant", "globex").get("/api/v1/jobs/{id}/events", globex)
                .then().statusCode(404);
    }

    @Test
    void expiredTamperedAndForeignTokensAre401() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 1);
        String expired = tokens().mint("acme", Instant.now().minus(Duration.ofMinutes(10)), TTL).token();
        String valid = token("acme");
        String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("AA") ? "BB" : "AA");
        String foreign = FeedTokens.withSecret("a-different-secret-of-32-characters!").mint("acme", Instant.now(), TTL)
                .token();
        for (String bad : new String[] {expired, tampered, foreign}) {
            given().auth().oauth2(bad).get("/api/v1/jobs/{id}/events", job).then().statusCode(401)
                    .contentType(startsWith("application/problem+json")).body("status", equalTo(401));
            given().auth().oauth2(bad).get("/api/v1/jobs/{id}/events/stream", job).then().statusCode(401);
            assertThat(FeedClient.refused(base, "/ws/jobs/" + job, "access_token=" + bad, null, null))
                    .as("WebSocket upgrade with a bad token").isNotNull().hasMessageContaining("401");
            assertThat(FeedClient.refused(base, "/ws/events", null, bad, null)).isNotNull()
                    .hasMessageContaining("401");
        }
    }

    @Test
    void theSseStreamAcceptsAToken() throws Exception {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 2);
        URI stream = base.resolve("/api/v1/jobs/" + job + "/events/stream?after=0");
        try (SseClient sse = SseClient.open(stream, Map.of("Authorization", "Bearer " + token("acme")))) {
            assertThat(sse.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> sse.named("replayed").size() == 1);
            fixtures.appendAndPublish(job, 1);
            await().atMost(WAIT).until(() -> sse.seqs().size() == 3);
            assertThat(sse.seqs()).containsExactly(1L, 2L, 3L);
        }
        try (SseClient sse = SseClient.open(stream, Map.of("Authorization", "Bearer " + token("globex")))) {
            assertThat(sse.status()).isEqualTo(404);
        }
    }

    @Test
    void theJobWebSocketAcceptsATokenAsAccessToken() {
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        fixtures.append(job, 2);
        FeedClient feed = FeedClient.connect(base, "/ws/jobs/" + job, "after=0&access_token=" + token("acme"), null);
        FeedClient other = FeedClient.connect(base, "/ws/jobs/" + job, "access_token=" + token("globex"), null);
        try {
            await().atMost(WAIT).until(() -> feed.controls("replayed").size() == 1);
            fixtures.appendAndPublish(job, 1);
            await().atMost(WAIT).until(() -> feed.seqs.size() == 3);
            assertThat(feed.seqsOf(job)).containsExactly(1L, 2L, 3L);
            // Another tenant's token: the subscription is refused as if the job did not exist.
            await().atMost(WAIT).until(other::closed);
            assertThat(other.closeCode(WAIT)).isEqualTo(4404);
            assertThat(other.seqs).isEmpty();
        } finally {
            feed.close();
            other.close();
        }
    }

    @Test
    void adminTokensAndKeysSeeEveryTenant() {
        UUID acme = fixtures.job("acme", JobStatus.RUNNING);
        UUID globex = fixtures.job("globex", JobStatus.RUNNING);
        fixtures.append(globex, 1);
        String admin = token(null);
        given().auth().oauth2(admin).get("/api/v1/jobs/{id}/events", globex).then().statusCode(200)
                .body("items.size()", equalTo(1));
        given().auth().oauth2("admin-key").get("/api/v1/jobs/{id}/events", globex).then().statusCode(200);
        given().auth().oauth2("admin-key").queryParam("tenant", "acme").get("/api/v1/jobs/{id}/events", globex)
                .then().statusCode(404);

        FeedClient byToken = FeedClient.connect(base, "/ws/events", "access_token=" + admin, null);
        FeedClient byKey = FeedClient.connect(base, "/ws/events", null, "admin-key");
        FeedClient onlyAcme = FeedClient.connect(base, "/ws/events", "tenant=acme", "admin-key");
        FeedClient tenantToken = FeedClient.connect(base, "/ws/events", "access_token=" + token("acme"), null);
        try {
            fixtures.appendAndPublish(acme, 2);
            fixtures.appendAndPublish(globex, 1);
            await().atMost(WAIT).until(() -> byToken.seqsOf(acme).size() == 2 && byToken.seqsOf(globex).size() == 1
                    && byKey.seqsOf(acme).size() == 2 && byKey.seqsOf(globex).size() == 1
                    && onlyAcme.seqsOf(acme).size() == 2 && tenantToken.seqsOf(acme).size() == 2);
            assertThat(byToken.seqsOf(acme)).containsExactly(1L, 2L);
            assertThat(byToken.seqsOf(globex)).containsExactly(2L);
            // Not a fixed wait: an acme probe published after globex's event arrives after it would have.
            fixtures.appendAndPublish(acme, 1);
            await().atMost(WAIT).until(() -> onlyAcme.seqsOf(acme).size() == 3 && tenantToken.seqsOf(acme).size() == 3);
            assertThat(onlyAcme.controls("resync")).isEmpty();
            assertThat(tenantToken.controls("resync")).isEmpty();
            assertThat(onlyAcme.seqsOf(globex)).isEmpty();
            assertThat(tenantToken.seqsOf(globex)).isEmpty();
        } finally {
            byToken.close();
            byKey.close();
            onlyAcme.close();
            tenantToken.close();
        }
    }

    @Test
    void theDashboardsOriginMayCallRestAndSseCrossOrigin() {
        given().header("Origin", DASHBOARD).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/v1/jobs/{id}/events", UUID.randomUUID()).then().statusCode(204)
                .header("Access-Control-Allow-Origin", DASHBOARD)
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("Authorization"));
        UUID job = fixtures.job("acme", JobStatus.RUNNING);
        given().header("Origin", DASHBOARD).auth().oauth2(token("acme")).get("/api/v1/jobs/{id}/events", job)
                .then().statusCode(200).header("Access-Control-Allow-Origin", DASHBOARD);
        // Another origin gets no CORS grant (the browser withholds the answer).
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                .options("/api/v1/jobs/{id}/events", job).then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://evil.example").auth().oauth2(token("acme"))
                .get("/api/v1/jobs/{id}/events", job).then().header("Access-Control-Allow-Origin", nullValue());
    }
}
