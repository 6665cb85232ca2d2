package io.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Guarantee 7: every malformed request gets a clear 4xx problem+json, never a 500, and writes nothing. */
@QuarkusTest
class BadInputTest {

    static final String GOOD = Specs.simple("good");
    static UUID existingJob;

    @Inject
    TestDb db;

    @BeforeEach
    void oneJobOfAnotherTenant() {
        db.reset();
        existingJob = UUID.fromString(given().auth().oauth2("other-key").contentType("application/json").body(GOOD)
                .post("/api/v1/jobs").then().statusCode(201).extract().path("id"));
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                bad("no Authorization header", 401, r -> r.given(false).contentType("application/json").body(GOOD).post("/api/v1/jobs")),
                bad("unknown API key", 401, r -> given().auth().oauth2("nope").contentType("application/json").body(GOOD).post("/api/v1/jobs")),
                bad("Basic instead of Bearer", 401, r -> given().auth().preemptive().basic("test-key", "x").get("/api/v1/jobs")),
                bad("malformed JSON", 400, r -> r.post("{\"name\": ")),
                bad("trailing garbage after JSON", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"]} x")),
                bad("duplicate keys", 400, r -> r.post("{\"name\":\"x\",\"name\":\"y\",\"seeds\":[\"http://a.example\"]}")),
                bad("a JSON array", 400, r -> r.post("[1, 2, 3]")),
                bad("an empty body", 400, r -> r.post("")),
                bad("nesting 1000 deep", 400, r -> r.post("{\"name\":" + "[".repeat(1000) + "]".repeat(1000) + "}")),
                bad("text/plain body", 415, r -> r.given(true).contentType("text/plain").body(GOOD).post("/api/v1/jobs")),
                bad("unknown top-level field", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"color\":1}")),
                bad("unknown nested field", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"crawl\":{\"fast\":true}}")),
                bad("name of the wrong type", 400, r -> r.post("{\"name\":42,\"seeds\":[\"http://a.example\"]}")),
                bad("missing name", 400, r -> r.post("{\"seeds\":[\"http://a.example\"]}")),
                bad("seeds not an array", 400, r -> r.post("{\"name\":\"x\",\"seeds\":\"http://a.example\"}")),
                bad("ftp seed", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"ftp://a.example/f\"]}")),
                bad("javascript: seed", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"javascript:alert(1)\"]}")),
                bad("relative seed", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"/just/a/path\"]}")),
                bad("invalid include regex", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"crawl\":{\"include\":[\"(oops\"]}}")),
                bad("invalid follow selector", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"crawl\":{\"follow\":[\"a[href\"]}}")),
                bad("invalid item selector", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"extract\":{\"item\":\"<<\",\"fields\":{\"a\":\"b\"}}}")),
                bad("empty extract fields", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"extract\":{\"fields\":{}}}")),
                bad("bad attribute name", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"extract\":{\"fields\":{\"a\":{\"selector\":\"a\",\"attr\":\"h ref\"}}}}")),
                bad("negative maxDepth", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"crawl\":{\"maxDepth\":-1}}")),
                bad("zero maxPages", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"crawl\":{\"maxPages\":0}}")),
                bad("absurd concurrency", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"limits\":{\"perHostConcurrency\":1000}}")),
                bad("fractional timeout", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"limits\":{\"timeoutMs\":1.5}}")),
                bad("priority as a string", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example\"],\"priority\":\"high\"}")),
                bad("template placeholder without values", 400, r -> r.post("{\"name\":\"x\",\"seedTemplate\":{\"url\":\"http://a.example/{q}\",\"params\":{\"z\":[\"1\"]}}}")),
                bad("more seeds than maxPages", 400, r -> r.post("{\"name\":\"x\",\"seeds\":[\"http://a.example/1\",\"http://a.example/2\"],\"crawl\":{\"maxPages\":1}}")),
                bad("body over 4 MB", 413, r -> r.oversized(5_000_000)),
                bad("Idempotency-Key with a space", 400, r -> r.given(true).header("Idempotency-Key", "a b").contentType("application/json").body(GOOD).post("/api/v1/jobs")),
                bad("Idempotency-Key of 300 characters", 400, r -> r.given(true).header("Idempotency-Key", "k".repeat(300)).contentType("application/json").body(GOOD).post("/api/v1/jobs")),
                bad("negative list limit", 400, r -> r.given(true).queryParam("limit", -1).get("/api/v1/jobs")),
                bad("non-numeric list limit", 400, r -> r.given(true).queryParam("limit", "ten").get("/api/v1/jobs")),
                bad("list limit too large", 400, r -> r.given(true).queryParam("limit", 100_000).get("/api/v1/jobs")),
                bad("unknown status filter", 400, r -> r.given(true).queryParam("status", "sleeping").get("/api/v1/jobs")),
                bad("forged list cursor", 400, r -> r.given(true).queryParam("cursor", "bm90LWEtY3Vyc29y").get("/api/v1/jobs")),
                bad("cursor that is not base64", 400, r -> r.given(true).queryParam("cursor", "%%%").get("/api/v1/jobs")),
                bad("unknown task state filter", 400, r -> r.given(true).queryParam("state", "asleep").get("/api/v1/jobs/" + existingJob + "/tasks")),
                bad("another tenant's job", 404, r -> r.given(true).get("/api/v1/jobs/" + existingJob)),
                bad("killing another tenant's job", 404, r -> r.given(true).post("/api/v1/jobs/" + existingJob + "/kill")),
                bad("unknown job", 404, r -> r.given(true).get("/api/v1/jobs/" + UUID.randomUUID())),
                bad("malformed job id", 404, r -> r.given(true).get("/api/v1/jobs/12345")),
                bad("pausing an unknown job", 404, r -> r.given(true).post("/api/v1/jobs/" + UUID.randomUUID() + "/pause")),
                bad("unknown control verb", 404, r -> r.given(true).post("/api/v1/jobs/" + existingJob + "/explode")),
                bad("DELETE on the collection", 405, r -> r.given(true).delete("/api/v1/jobs")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("requests")
    void isRejectedCleanly(String name, int status, Function<Client, Response> call) {
        List<Long> before = db.footprint();
        Response response = call.apply(new Client());
        assertThat(response.statusCode()).as(name + ": " + response.asString()).isEqualTo(status);
        assertThat(response.contentType()).as(name).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(response.jsonPath().getString("type")).startsWith("urn:trawl:problem:");
        assertThat(response.jsonPath().getString("title")).isNotBlank();
        if (status == 400 && response.jsonPath().getList("errors") != null) {
            assertThat(response.jsonPath().getList("errors.field", String.class)).isNotEmpty();
        }
        assertThat(db.footprint()).as(name + " wrote nothing").isEqualTo(before);
    }

    static Arguments bad(String name, int status, Function<Client, Response> call) {
        return Arguments.of(name, status, call);
    }

    /** Builds requests: authenticated JSON posts of a body, or plain specs. */
    static final class Client {
        RequestSpecification given(boolean authenticated) {
            RequestSpecification spec = io.restassured.RestAssured.given();
            return authenticated ? spec.auth().oauth2("test-key") : spec;
        }

        /** Declares a body larger than the limit and sends none: the server must answer before reading it. */
        Response oversized(int length) {
            int port = io.restassured.RestAssured.port;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer test-key\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.readUnsignedByte());
                }
                int status = Integer.parseInt(head.substring(9, 12));
                String contentType = header(head.toString(), "content-type");
                byte[] body = new byte[Integer.parseInt(header(head.toString(), "content-length"))];
                in.readFully(body);
                return new io.restassured.builder.ResponseBuilder().setStatusCode(status)
                        .setContentType(contentType).setBody(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                        .build();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static String header(String head, String name) {
            return head.lines().filter(l -> l.toLowerCase().startsWith(name + ":"))
                    .map(l -> l.substring(name.length() + 1).strip()).findFirst().orElse("");
        }

        Response post(String body) {
            return given(true).contentType("application/json").body(body).post("/api/v1/jobs");
        }
    }
}
