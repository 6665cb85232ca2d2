package io.trawl.job.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.trawl.job.support.Specs;
import io.trawl.job.support.TestDb;
import io.trawl.web.Caller;
import io.trawl.web.Role;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard at /ui: session cookie, CSRF, roles, escaping, security headers. */
@QuarkusTest
class DashboardTest {

    static final String SECRET = "test-only-dashboard-session-secret-0123456789";

    @Inject
    TestDb db;

    @BeforeEach
    void clean() {
        db.reset();
    }

    /** Signs in with a key, returns the session cookie's value. */
    static String login(String key) {
        return loginForm().formParam("key", key).post("/ui/login").then().statusCode(303).extract()
                .cookie(UiSessions.COOKIE);
    }

    /** A login POST as the browser sends it after showing the form: its nonce cookie and CSRF field. */
    static RequestSpecification loginForm() {
        Response page = given().get("/ui/login");
        page.then().statusCode(200);
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.asString());
        assertThat(m.find()).as("the login form carries a CSRF token").isTrue();
        return given().redirects().follow(false).contentType(ContentType.URLENC)
                .cookie(UiSessions.LOGIN_COOKIE, page.cookie(UiSessions.LOGIN_COOKIE))
                .formParam(UiSessions.CSRF_FIELD, m.group(1));
    }

    static String csrfOf(String html) {
        Matcher m = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("page carries a CSRF token").isTrue();
        return m.group(1);
    }

    static String page(String cookie, String path) {
        return given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).get(path)
                .then().statusCode(200).extract().asString();
    }

    static String create(String key, String spec) {
        return given().auth().oauth2(key).contentType(ContentType.JSON).body(spec).post("/api/v1/jobs")
                .then().statusCode(201).extract().path("id");
    }

    List<String> events(String jobId) {
        return db.rows("SELECT type FROM trawl.job_events WHERE job_id = $1::uuid ORDER BY seq", jobId).stream()
                .map(r -> r.getString("type")).toList();
    }

    @Test
    void loginSetsAStrictHttpOnlyCookieThatHoldsNoKey() {
        Response r = loginForm().formParam("key", "test-key").formParam("next", "/ui/schedules").post("/ui/login");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.header("Location")).endsWith("/ui/schedules");
        String setCookie = r.headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(UiSessions.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain("Secure").doesNotContain("test-key");
        String value = r.cookie(UiSessions.COOKIE);
        assertThat(new String(java.util.Base64.getUrlDecoder().decode(value.substring(0, value.indexOf('.'))),
                StandardCharsets.UTF_8)).startsWith("v1|acme|tenant|").doesNotContain("test-key");
    }

    @Test
    void cookieIsSecureBehindTls() {
        String setCookie = loginForm().header("X-Forwarded-Proto", "https").formParam("key", "test-key")
                .post("/ui/login").headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(UiSessions.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("; Secure");
    }

    @Test
    void unknownKeyIsRefusedAndOffSiteNextIsIgnored() {
        loginForm().formParam("key", "nope").post("/ui/login").then().statusCode(401)
                .body(containsString("not known"));
        Response r = loginForm().formParam("key", "test-key").formParam("next", "https://evil.example/")
                .post("/ui/login");
        assertThat(r.header("Location")).endsWith("/ui/jobs");
    }

    @Test
    void pagesWithoutAValidSessionGoToLogin() {
        given().redirects().follow(false).get("/ui/jobs").then().statusCode(303)
                .header("Location", containsString("/ui/login"));
        String cookie = login("test-key");
        // the same signature over another tenant's payload: refused
        String payload = new String(java.util.Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))),
                StandardCharsets.UTF_8);
        String tampered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("|acme|", "|globex|").getBytes(StandardCharsets.UTF_8)) + cookie.substring(cookie.indexOf('.'));
        assertThat(tampered).isNotEqualTo(cookie);
        given().redirects().follow(false).cookie(UiSessions.COOKIE, tampered).get("/ui/jobs").then().statusCode(303);
        // the payload re-signed as admin without the secret: refused
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "v1|*|admin|9999999999|abc".getBytes(StandardCharsets.UTF_8)) + cookie.substring(cookie.indexOf('.'));
        given().redirects().follow(false).cookie(UiSessions.COOKIE, forged).get("/ui/jobs").then().statusCode(303);
        // an expired session (signed with the right secret): refused
        SessionCodec codec = new SessionCodec(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(1));
        String expired = codec.encode(codec.open(new Caller("acme", Role.TENANT), Instant.now().minusSeconds(120)));
        given().redirects().follow(false).cookie(UiSessions.COOKIE, expired).get("/ui/jobs").then().statusCode(303);
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).get("/ui/jobs").then().statusCode(200);
    }

    @Test
    void pagesCarrySecurityHeaders() {
        String cookie = login("test-key");
        Response r = given().cookie(UiSessions.COOKIE, cookie).get("/ui/jobs");
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'")
                .contains("ws://localhost:8081").doesNotContain("unsafe-inline");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).isEqualTo("same-origin");
        assertThat(r.asString()).doesNotContain("<script>").contains("<script type=\"module\" src=\"/ui/static/app.js?v=");
        given().get("/ui/static/app.js").then().statusCode(200).header("Cache-Control", containsString("immutable"));
    }

    @Test
    void everythingShownIsEscaped() {
        String id = create("test-key", Specs.simple("<img src=x onerror=alert(1)>"));
        long task = db.rows("SELECT id FROM trawl.tasks WHERE job_id = $1::uuid ORDER BY id LIMIT 1", id).get(0)
                .getLong("id");
        db.update("INSERT INTO trawl.items (job_id, task_id, url, ordinal, data) VALUES ($1::uuid, $2, $3, 0, "
                + "$4::text::jsonb)", id, task, "https://a.example/1\"><script>alert(2)</script>",
                "{\"title\": \"</script><script>alert(3)</script>\", \"price\": \"<b>9</b>\"}");
        String cookie = login("test-key");
        String list = page(cookie, "/ui/jobs");
        assertThat(list).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(1)&gt;");
        String job = page(cookie, "/ui/jobs/" + id);
        assertThat(job).doesNotContain("<img src=x").doesNotContain("<script>alert").doesNotContain("<b>9</b>")
                .contains("&lt;/script&gt;&lt;script&gt;alert(3)");
    }

    @Test
    void formsWithoutTheCsrfTokenChangeNothing() {
        String id = create("test-key", Specs.simple("guarded"));
        String cookie = login("test-key");
        String csrf = csrfOf(page(cookie, "/ui/jobs/" + id));
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("x", "1").post("/ui/jobs/" + id + "/kill").then().statusCode(403);
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", "wrong").post("/ui/jobs/" + id + "/kill").then().statusCode(403);
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).formParam("action", "kill").formParam("id", id).formParam("confirmed", "1")
                .post("/ui/jobs/actions?x=1").then().statusCode(200);
        assertThat(events(id)).containsExactly("job.created", "job.killed");
    }

    @Test
    void controlWithTheTokenWorksAndA409IsExplained() {
        String id = create("test-key", Specs.simple("controlled"));
        String cookie = login("test-key");
        String csrf = csrfOf(page(cookie, "/ui/jobs/" + id));
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).post("/ui/jobs/" + id + "/kill").then().statusCode(303)
                .header("Location", containsString("msg="));
        assertThat(events(id)).containsExactly("job.created", "job.killed");
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).post("/ui/jobs/" + id + "/resume").then().statusCode(409)
                .body(containsString("Cannot resume this job now"));
        assertThat(events(id)).containsExactly("job.created", "job.killed");
    }

    @Test
    void theApiAcceptsTheSessionOnlyWithTheCsrfHeaderForChanges() {
        String id = create("test-key", Specs.simple("api"));
        String cookie = login("test-key");
        String csrf = csrfOf(page(cookie, "/ui/jobs"));
        given().cookie(UiSessions.COOKIE, cookie).get("/api/v1/jobs/" + id).then().statusCode(200);
        given().cookie(UiSessions.COOKIE, cookie).post("/api/v1/jobs/" + id + "/kill").then().statusCode(403)
                .contentType("application/problem+json");
        given().cookie(UiSessions.COOKIE, cookie).header(UiSessions.CSRF_HEADER, "wrong")
                .post("/api/v1/jobs/" + id + "/kill").then().statusCode(403);
        assertThat(events(id)).containsExactly("job.created");
        given().cookie(UiSessions.COOKIE, cookie).header(UiSessions.CSRF_HEADER, csrf)
                .post("/api/v1/jobs/" + id + "/kill").then().statusCode(200).body("status", equalTo("killed"));
    }

    @Test
    void viewerSeesNoControls() {
        String id = create("test-key", Specs.simple("watched"));
        String cookie = login("viewer-key");
        String job = page(cookie, "/ui/jobs/" + id);
        assertThat(job).contains("watched").doesNotContain("/ui/jobs/" + id + "/kill")
                .doesNotContain(">Pause<").doesNotContain("Clone as new job");
        String list = page(cookie, "/ui/jobs");
        assertThat(list).doesNotContain("name=\"action\"").doesNotContain("New job</a>");
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).get("/ui/jobs/new").then().statusCode(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ui/jobs/%s/pause", "/ui/jobs/%s/kill", "/ui/jobs/%s/resume", "/ui/jobs/%s/retry",
        "/ui/jobs/actions", "/ui/jobs/new", "/ui/schedules"})
    void viewerIsRefusedEveryControl(String path) {
        String id = create("test-key", Specs.simple("untouched"));
        String cookie = login("viewer-key");
        String csrf = csrfOf(page(cookie, "/ui/jobs"));
        given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).formParam("action", "kill").formParam("id", id).formParam("confirmed", "1")
                .formParam("name", "x").formParam("seeds", "https://a.example/").formParam("cron", "0 0 3 * * ?")
                .formParam("template", Specs.simple("t"))
                .post(path.formatted(id)).then().statusCode(403);
        given().cookie(UiSessions.COOKIE, cookie).header(UiSessions.CSRF_HEADER, csrf)
                .post("/api/v1/jobs/" + id + "/kill").then().statusCode(403);
        assertThat(events(id)).containsExactly("job.created");
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM trawl.schedules")).isZero();
    }

    @Test
    void tenantsSeeOnlyTheirOwnAndAdminsSeeAll() {
        String mine = create("test-key", Specs.simple("acme-job"));
        String theirs = create("other-key", Specs.simple("globex-job"));
        String acme = page(login("test-key"), "/ui/jobs");
        assertThat(acme).contains("acme-job").doesNotContain("globex-job");
        given().redirects().follow(false).cookie(UiSessions.COOKIE, login("test-key")).get("/ui/jobs/" + theirs)
                .then().statusCode(404);
        String admin = page(login("admin-key"), "/ui/jobs");
        assertThat(admin).contains("acme-job").contains("globex-job");
        assertThat(page(login("admin-key"), "/ui/jobs?tenant=globex")).contains("globex-job").doesNotContain("acme-job");
        page(login("admin-key"), "/ui/jobs/" + mine);
        // the REST listing: a tenant key strictly its own, an admin every tenant or the one it names
        assertThat(given().auth().oauth2("test-key").get("/api/v1/jobs").then().statusCode(200)
                .extract().<List<String>>path("items.id")).containsExactly(mine);
        assertThat(given().auth().oauth2("test-key").queryParam("tenant", "globex").get("/api/v1/jobs").then()
                .statusCode(200).extract().<List<String>>path("items.id")).containsExactly(mine);
        assertThat(given().auth().oauth2("admin-key").get("/api/v1/jobs").then().statusCode(200)
                .extract().<List<String>>path("items.id")).containsExactlyInAnyOrder(mine, theirs);
        assertThat(given().auth().oauth2("admin-key").queryParam("tenant", "globex").get("/api/v1/jobs").then()
                .statusCode(200).extract().<List<String>>path("items.id")).containsExactly(theirs);
    }

    @Test
    void workersPageIsForAdmins() {
        given().redirects().follow(false).cookie(UiSessions.COOKIE, login("test-key")).get("/ui/workers").then()
                .statusCode(403);
        assertThat(page(login("admin-key"), "/ui/workers")).contains("trawl.tasks").contains("Workers and queues");
    }

    @Test
    void newJobFormShowsTheApiErrorsNextToTheirFields() {
        String cookie = login("test-key");
        String csrf = csrfOf(page(cookie, "/ui/jobs/new"));
        String html = given().cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).formParam("mode", "form").formParam("name", "bad")
                .formParam("seeds", "not a url").formParam("maxDepth", "-3")
                .post("/ui/jobs/new").then().statusCode(400).extract().asString();
        assertThat(html).containsPattern("id=\"e-seeds\">seeds[^<]*").containsPattern("id=\"e-maxDepth\">crawl.maxDepth");
        assertThat(db.count("SELECT count(*) FROM trawl.jobs")).isZero();
        Response ok = given().redirects().follow(false).cookie(UiSessions.COOKIE, cookie).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf).formParam("mode", "form").formParam("name", "good")
                .formParam("seeds", "https://a.example/1\nhttps://a.example/2").formParam("fields", "title = h1\nlink = a @href")
                .formParam("respectRobots", "1").post("/ui/jobs/new");
        assertThat(ok.statusCode()).isEqualTo(303);
        String spec = db.rows("SELECT spec::text AS s FROM trawl.jobs").get(0).getString("s");
        assertThat(spec).contains("\"title\"").contains("\"attr\"").contains("https://a.example/2");
    }
}
