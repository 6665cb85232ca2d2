package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.trawl.web.Caller;
import io.trawl.web.FeedTokens;
import io.trawl.web.Role;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/feed-tokens} (DESIGN.md §7): short-lived tokens scoped to the caller's tenant. */
@QuarkusTest
class FeedTokenTest {

    @ConfigProperty(name = "trawl.feed-token.secret")
    String secret;

    @Test
    void aTenantKeyMintsATokenOfItsTenantForFiveMinutes() {
        Instant before = Instant.now();
        Response response = mint("test-key", null);

        Instant expiresAt = Instant.parse(response.path("expiresAt"));
        assertThat(expiresAt).isBetween(before.plus(Duration.ofMinutes(5)).minusSeconds(2),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(response.header("Cache-Control")).contains("no-store");
        assertThat(verify(response)).contains(new Caller("acme", Role.VIEWER));
    }

    @Test
    void aViewerMayMint() {
        assertThat(verify(mint("viewer-key", null))).contains(new Caller("acme", Role.VIEWER));
    }

    @Test
    void aTenantKeyCannotMintForAnotherTenant() {
        assertThat(verify(mint("other-key", "acme"))).contains(new Caller("globex", Role.VIEWER));
    }

    @Test
    void anAdminWithoutATenantGetsAnAllTenantsToken() {
        assertThat(verify(mint("admin-key", null))).contains(Caller.admin());
        assertThat(verify(mint("admin-key", "globex"))).contains(new Caller("globex", Role.VIEWER));
    }

    @Test
    void withoutAKeyThereIsNoToken() {
        given().post("/api/v1/feed-tokens").then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401));
        given().auth().oauth2("no-such-key").post("/api/v1/feed-tokens").then().statusCode(401);
    }

    @Test
    void aFeedTokenIsNoApiKeyOfJobService() {
        String token = mint("test-key", null).path("token");
        given().auth().oauth2(token).get("/api/v1/jobs").then().statusCode(401);
        given().auth().oauth2(token).post("/api/v1/feed-tokens").then().statusCode(401);
    }

    private static Response mint(String key, String tenant) {
        var request = given().auth().oauth2(key);
        if (tenant != null) {
            request = request.queryParam("tenant", tenant);
        }
        Response response = request.post("/api/v1/feed-tokens");
        response.then().statusCode(201).contentType("application/json");
        return response;
    }

    private java.util.Optional<Caller> verify(Response response) {
        return FeedTokens.withSecret(secret).verify(response.path("token"), Instant.now());
    }
}
