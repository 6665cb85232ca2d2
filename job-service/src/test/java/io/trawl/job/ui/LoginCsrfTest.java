package io.trawl.job.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Login CSRF: a page on another site must not be able to sign this browser in (for instance to the attacker's own
 * tenant, to watch what the person then submits). The login form carries the HMAC of a nonce that the login page
 * set in an HttpOnly SameSite=Strict cookie; a POST without both, or with a token of another nonce, signs no one in.
 */
@QuarkusTest
class LoginCsrfTest {

    record Form(String nonce, String token, List<String> setCookies) {
    }

    static Form form() {
        Response page = given().get("/ui/login");
        page.then().statusCode(200);
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.asString());
        assertThat(m.find()).as("the login form carries a CSRF token").isTrue();
        return new Form(page.cookie(UiSessions.LOGIN_COOKIE), m.group(1), page.headers().getValues("Set-Cookie"));
    }

    static Response post(String nonce, String token) {
        var request = given().redirects().follow(false).contentType(ContentType.URLENC).formParam("key", "test-key");
        if (nonce != null) {
            request.cookie(UiSessions.LOGIN_COOKIE, nonce);
        }
        if (token != null) {
            request.formParam(UiSessions.CSRF_FIELD, token);
        }
        return request.post("/ui/login");
    }

    static boolean signedIn(Response r) {
        return r.headers().getValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(UiSessions.COOKIE + "=")
                && !c.startsWith(UiSessions.COOKIE + "=;"));
    }

    @Test
    void theLoginPageSetsAStrictHttpOnlyNonceCookieAndPutsItsTokenInTheForm() {
        Form form = form();
        String cookie = form.setCookies().stream().filter(c -> c.startsWith(UiSessions.LOGIN_COOKIE + "="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/ui/login");
        assertThat(form.nonce()).isNotBlank();
        assertThat(form.token()).isNotBlank().isNotEqualTo(form.nonce());
        // a second page load in the same browser keeps the nonce, so two open tabs both work
        Response again = given().cookie(UiSessions.LOGIN_COOKIE, form.nonce()).get("/ui/login");
        assertThat(again.asString()).contains("value=\"" + form.token() + "\"");
    }

    @Test
    void aLoginWithTheFormsCookieAndTokenSignsInAndDropsTheNonce() {
        Form form = form();
        Response r = post(form.nonce(), form.token());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(signedIn(r)).isTrue();
        assertThat(r.headers().getValues("Set-Cookie")).anyMatch(c -> c.startsWith(UiSessions.LOGIN_COOKIE + "=;")
                && c.contains("Max-Age=0"));
    }

    @Test
    void aCrossSiteLoginWithoutTheCookieOrTheTokenSignsNoOneIn() {
        Form form = form();
        // a form on another site: no cookie (SameSite=Strict) and no token it could read
        Response bare = post(null, null);
        assertThat(bare.statusCode()).isEqualTo(403);
        assertThat(signedIn(bare)).isFalse();
        bare.then().body(containsString("sign in again"));
        // the token without its cookie, the cookie without its token
        assertThat(post(null, form.token()).statusCode()).isEqualTo(403);
        assertThat(post(form.nonce(), null).statusCode()).isEqualTo(403);
        assertThat(post(form.nonce(), "").statusCode()).isEqualTo(403);
    }

    @Test
    void aPlantedNonceWithAnotherFormsTokenOrAForgedTokenIsRefused() {
        Form mine = form();
        Form attackers = form();
        assertThat(mine.nonce()).isNotEqualTo(attackers.nonce());
        // the attacker's own valid token does not go with the nonce in the victim's cookie
        Response mixed = post(mine.nonce(), attackers.token());
        assertThat(mixed.statusCode()).isEqualTo(403);
        assertThat(signedIn(mixed)).isFalse();
        // nor does the nonce itself, or a malformed cookie, pass as a token
        assertThat(post(mine.nonce(), mine.nonce()).statusCode()).isEqualTo(403);
        assertThat(post("not-a-nonce", mine.token()).statusCode()).isEqualTo(403);
        // the refusal page is a fresh, working form
        Response refused = post(null, null);
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(refused.asString());
        assertThat(m.find()).isTrue();
        Response retried = post(refused.cookie(UiSessions.LOGIN_COOKIE), m.group(1));
        assertThat(retried.statusCode()).isEqualTo(303);
        assertThat(signedIn(retried)).isTrue();
    }
}
