package io.trawl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PageAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.trawl.e2e.fixture.DirectorySite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard (job-service {@code /ui}) in a real headless Chromium against the running system: a person logs
 * in, submits a crawl from the form and watches it finish live, controls a job, and what viewers and other
 * tenants see; the live timeline survives an event-service restart with every seq exactly once; no console
 * errors; a 390 px phone renders. Elements are found by role and visible text. Screenshots of every page go to
 * {@code e2e/target/screenshots/}.
 */
@ExtendWith(E2e.class)
@Order(20)
class DashboardBrowserIT {

    static final Duration CRAWL = Duration.ofSeconds(90);
    static final double LIVE_MS = 30_000;

    static E2eEnvironment env;
    static Browser browser;

    @BeforeAll
    static void launch() throws Exception {
        Path shots = Path.of(System.getProperty("trawl.e2e.root", "..")).resolve("e2e/target/screenshots")
                .toAbsolutePath().normalize();
        Files.createDirectories(shots);
        browser = new Browser(env.system.job().baseUrl(), shots);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    static Page signedIn(String key) {
        return signedIn(key, 1280, 900);
    }

    static Page signedIn(String key, int width, int height) {
        Page page = browser.newPage(width, height);
        page.navigate("/ui/login");
        field(page, "API key").fill(key);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions()
                .setName("Sign out"))).isVisible();
        return page;
    }

    static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    /** A form control by its whole label. */
    static Locator field(Page page, String label) {
        return page.getByLabel(label, new Page.GetByLabelOptions().setExact(true));
    }

    static Locator heading(Page page, String name) {
        return page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    /** The value of a counter of the job page ({@code <dt>label</dt><dd>value</dd>}), found by its label. */
    static Locator counter(Page page, String label) {
        return page.locator("xpath=//dt[normalize-space()='" + label + "']/following-sibling::dd[1]");
    }

    /** A crawl submitted over the API: a small site, slowed down so a person can act on it while it runs. */
    static String slowCrawl(String key, int cities, long delayMs, String name) {
        DirectorySite site = new DirectorySite(key, cities, 2, 5).mount(env.sites);
        ObjectNode spec = site.spec(env.sites, name, 1);
        ((ObjectNode) spec.get("limits")).put("perHostDelayMs", delayMs);
        return env.api.createJob(spec).get("id").asText();
    }

    @Test
    @Order(1)
    void aPersonLogsInWithAnApiKeyAndOut() {
        Page page = browser.newPage();
        page.navigate("/ui/jobs");
        PlaywrightAssertions.assertThat(heading(page, "Sign in")).isVisible();
        browser.screenshot(page, "01-login");
        field(page, "API key").fill("not-a-key");
        button(page, "Sign in").click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT)).isVisible();
        browser.forgive(page, "status of 401");
        browser.screenshot(page, "02-login-refused");

        field(page, "API key").fill(E2eEnvironment.KEY);
        button(page, "Sign in").click();
        PlaywrightAssertions.assertThat(heading(page, "Jobs")).isVisible();
        // The key is nowhere a script can read it.
        assertThat(page.content()).doesNotContain(E2eEnvironment.KEY);
        assertThat((String) page.evaluate("() => document.cookie + JSON.stringify(localStorage) "
                + "+ JSON.stringify(sessionStorage)")).doesNotContain(E2eEnvironment.KEY);
        browser.screenshot(page, "03-jobs-empty");
        button(page, "Sign out").click();
        PlaywrightAssertions.assertThat(heading(page, "Sign in")).isVisible();
        page.context().close();
    }

    @Test
    @Order(2)
    void aCrawlSubmittedFromTheFormRunsToOneHundredPercentLive() {
        DirectorySite site = new DirectorySite("ui-form", 2, 2, 5).mount(env.sites);
        String prefix = env.sites.url(site.prefix());
        Page page = signedIn(E2eEnvironment.KEY);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New job")).click();
        PlaywrightAssertions.assertThat(heading(page, "New job")).isVisible();
        field(page, "Name").fill("directory from the form");
        field(page, "Seed URLs (one per line)").fill(prefix);
        field(page, "Follow links matching CSS selectors (one per line)").fill("a.city\na.page\na.listing");
        field(page, "Max depth").fill("3");
        field(page, "Page cap").fill("200");
        field(page, "Include URL patterns (regex, one per line)").fill("^" + Pattern.quote(prefix));
        field(page, "Extract on pages matching (regex)").fill("^" + Pattern.quote(prefix + "biz/"));
        field(page, "Item selector").fill("article.biz");
        field(page, "Fields: name = selector, or name = selector @attr (one per line)")
                .fill("name = h1\nphone = .phone\nsite = a.site @href");
        field(page, "Per-host concurrency").fill("2");
        field(page, "Per-host delay (ms)").fill("100");
        browser.screenshot(page, "04-new-job-form");
        button(page, "Submit job").click();

        PlaywrightAssertions.assertThat(heading(page, "directory from the form")).isVisible();
        Matcher m = Pattern.compile("/ui/jobs/([0-9a-f-]{36})").matcher(page.url());
        assertThat(m.find()).as(page.url()).isTrue();
        String id = m.group(1);
        Locator progress = page.getByRole(AriaRole.PROGRESSBAR);
        PlaywrightAssertions.assertThat(progress).hasJSProperty("value", 100,
                new LocatorAssertions.HasJSPropertyOptions().setTimeout(CRAWL.toMillis()));
        PlaywrightAssertions.assertThat(page.getByText("completed", new Page.GetByTextOptions().setExact(true)))
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(LIVE_MS));
        JsonNode job = env.api.awaitStatus(id, CRAWL, Crawl.TERMINAL);
        assertThat(job.path("status").asText()).isEqualTo("completed");
        long items = job.path("progress").path("items").asLong();
        assertThat(items).isEqualTo(site.businessCount());
        // Updated live, without a reload: the counter shows what the API says.
        PlaywrightAssertions.assertThat(counter(page, "Items")).hasText(Long.toString(items),
                new LocatorAssertions.HasTextOptions().setTimeout(LIVE_MS));
        browser.screenshot(page, "05-job-completed");
        page.reload();
        PlaywrightAssertions.assertThat(counter(page, "Items")).hasText(Long.toString(items));
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
                .setName("Download CSV"))).isVisible();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Jobs").setExact(true)).click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
                .setName("directory from the form"))).isVisible();
        browser.screenshot(page, "06-jobs-list");
        page.context().close();
    }

    @Test
    @Order(3)
    void pauseResumeAndKillFromTheJobPage() {
        String id = slowCrawl("ui-control", 3, 400, "controlled from the browser");
        Page page = signedIn(E2eEnvironment.KEY);
        page.navigate("/ui/jobs/" + id);
        PlaywrightAssertions.assertThat(heading(page, "controlled from the browser")).isVisible();
        env.api.awaitJob(id, CRAWL, "running", j -> j.path("status").asText().equals("running"));

        button(page, "Pause").click();
        env.api.awaitJob(id, CRAWL, "paused", j -> j.path("status").asText().equals("paused"));
        PlaywrightAssertions.assertThat(page.getByText("paused", new Page.GetByTextOptions().setExact(true)).first())
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(LIVE_MS));
        browser.screenshot(page, "07-job-paused");

        button(page, "Resume").click();
        env.api.awaitJob(id, CRAWL, "running again", j -> j.path("status").asText().equals("running"));

        button(page, "Kill").click();
        JsonNode killed = env.api.awaitJob(id, CRAWL, "killed", j -> j.path("status").asText().equals("killed"));
        assertThat(killed.path("finishedAt").isNull()).isFalse();
        PlaywrightAssertions.assertThat(page.getByText("killed", new Page.GetByTextOptions().setExact(true)).first())
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(LIVE_MS));
        // A 409 is explained in words next to the controls.
        button(page, "Resume").click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
                .setHasText("not possible"))).containsText("killed");
        browser.forgive(page, "status of 409");
        browser.screenshot(page, "08-job-killed");
        page.context().close();
    }

    @Test
    @Order(4)
    void aViewerSeesEverythingAndNoControl() {
        String id = slowCrawl("ui-viewer", 1, 0, "seen by a viewer");
        env.api.awaitStatus(id, CRAWL, Crawl.TERMINAL);
        Page page = signedIn(E2eEnvironment.VIEWER_KEY);
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
                .setName("seen by a viewer"))).isVisible();
        for (String control : List.of("Pause", "Resume", "Kill", "Retry failed")) {
            PlaywrightAssertions.assertThat(button(page, control)).hasCount(0);
        }
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
                .setName("New job"))).hasCount(0);
        browser.screenshot(page, "09-viewer-jobs");
        page.navigate("/ui/jobs/" + id);
        PlaywrightAssertions.assertThat(heading(page, "seen by a viewer")).isVisible();
        for (String control : List.of("Pause", "Resume", "Kill", "Retry failed")) {
            PlaywrightAssertions.assertThat(button(page, control)).hasCount(0);
        }
        browser.screenshot(page, "10-viewer-job");
        page.context().close();
    }

    @Test
    @Order(5)
    void anotherTenantSeesNothingOfTheFirst() {
        String id = slowCrawl("ui-tenant", 1, 0, "tenant e2e only");
        Page page = signedIn(E2eEnvironment.OTHER_KEY);
        PlaywrightAssertions.assertThat(heading(page, "Jobs")).isVisible();
        assertThat(page.content()).doesNotContain("tenant e2e only", "directory from the form", id);
        browser.screenshot(page, "11-other-tenant-jobs");
        page.navigate("/ui/jobs/" + id);
        assertThat(page.content()).doesNotContain("tenant e2e only");
        browser.forgive(page, "status of 404");
        browser.screenshot(page, "12-other-tenant-job-not-found");
        page.context().close();
    }

    @Test
    @Order(6)
    void theLiveTimelineShowsEverySeqOnceAcrossAnEventServiceRestart() {
        String id = slowCrawl("ui-timeline", 2, 150, "timeline across a restart");
        Page page = signedIn(E2eEnvironment.KEY);
        page.navigate("/ui/jobs/" + id);
        Locator events = page.getByRole(AriaRole.LIST).filter(new Locator.FilterOptions()
                .setHasText(Pattern.compile("#\\d+ "))).getByRole(AriaRole.LISTITEM);
        PlaywrightAssertions.assertThat(events.nth(4)).isAttached(new LocatorAssertions.IsAttachedOptions()
                .setTimeout(LIVE_MS));

        E2eEnvironment.log("restarting event-service under the open page");
        env.system.event().stop(Duration.ofSeconds(10));
        env.system.event().start();
        env.system.event().awaitReady(Duration.ofSeconds(90));

        JsonNode job = env.api.awaitStatus(id, CRAWL, Crawl.TERMINAL);
        assertThat(job.path("status").asText()).isEqualTo("completed");
        long last = env.api.events(id).size();
        PlaywrightAssertions.assertThat(events.filter(new Locator.FilterOptions().setHasText("#" + last + " ")))
                .hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(LIVE_MS));
        List<Long> seqs = new ArrayList<>();
        for (String text : events.allTextContents()) {
            Matcher m = Pattern.compile("^#(\\d+) ").matcher(text);
            assertThat(m.find()).as(text).isTrue();
            seqs.add(Long.parseLong(m.group(1)));
        }
        assertThat(seqs).as("the timeline, newest first: every seq exactly once")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, last).map(s -> last + 1 - s).boxed().toList());
        // While event-service was down the page's reconnects were refused: expected, and logged by Chromium.
        browser.forgive(page, "net::ERR_CONNECTION_REFUSED");
        browser.screenshot(page, "13-timeline-after-restart");
        page.context().close();
    }

    @Test
    @Order(7)
    void aPhoneWidthRendersWithoutSidewaysScrolling() {
        Page page = signedIn(E2eEnvironment.KEY, 390, 844);
        PlaywrightAssertions.assertThat(heading(page, "Jobs")).isVisible();
        browser.screenshot(page, "14-phone-jobs");
        int width = ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("directory from the form")).click();
        PlaywrightAssertions.assertThat(heading(page, "directory from the form")).isVisible();
        browser.screenshot(page, "15-phone-job");
        heading(page, "Tasks").scrollIntoViewIfNeeded();
        browser.viewport(page, "15b-phone-job-tasks");
        int jobWidth = ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
        page.navigate("/ui/jobs/new");
        browser.screenshot(page, "16-phone-new-job");
        page.navigate("/ui/schedules");
        browser.screenshot(page, "17-phone-schedules");
        assertThat(List.of(width, jobWidth)).as("page widths at 390 px").allSatisfy(w -> assertThat(w)
                .isLessThanOrEqualTo(390));
        page.context().close();
    }

    @Test
    @Order(8)
    void adminPagesRender() {
        Page page = signedIn(E2eEnvironment.ADMIN_KEY);
        browser.screenshot(page, "18-admin-jobs");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Workers")).click();
        PlaywrightAssertions.assertThat(heading(page, "Workers")).isVisible();
        browser.screenshot(page, "19-admin-workers");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Schedules").setExact(true)).click();
        browser.screenshot(page, "20-schedules");
        page.context().close();
    }

    @Test
    @Order(9)
    void aScheduleCreatedTriggeredAndItsRunAndJobSeen() {
        DirectorySite site = new DirectorySite("ui-schedule", 1, 1, 3).mount(env.sites);
        ObjectNode template = site.spec(env.sites, "made by a schedule", 2);
        Page page = signedIn(E2eEnvironment.KEY);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Schedules").setExact(true)).click();
        PlaywrightAssertions.assertThat(heading(page, "New schedule")).isVisible();
        field(page, "Name").fill("nightly directory");
        field(page, "Cron (Quartz: sec min hour day month weekday)").fill("0 0 3 * * ?");
        field(page, "Time zone").fill("UTC");
        field(page, "Job template (JSON job spec)").fill(template.toString());
        browser.screenshot(page, "21-schedule-form");
        button(page, "Save schedule").click();
        Locator link = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("nightly directory"));
        if (link.count() > 0) {
            link.first().click();
        }
        PlaywrightAssertions.assertThat(heading(page, "nightly directory")).isVisible();
        button(page, "Trigger now").click();
        // The run is recorded when the scheduler handles the trigger: reload until it shows (bounded).
        Locator job = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("the job of"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (job.count() == 0 && System.nanoTime() < deadline) {
            page.waitForTimeout(500);
            page.reload();
        }
        assertThat(job.count()).as("a run with a link to its job").isPositive();
        browser.screenshot(page, "22-schedule-runs");
        job.first().click();
        PlaywrightAssertions.assertThat(heading(page, "made by a schedule")).isVisible();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
                .setName("from a schedule"))).isVisible();
        Matcher m = Pattern.compile("/ui/jobs/([0-9a-f-]{36})").matcher(page.url());
        assertThat(m.find()).isTrue();
        assertThat(env.api.awaitStatus(m.group(1), CRAWL, Crawl.TERMINAL).path("status").asText())
                .isEqualTo("completed");
        browser.screenshot(page, "23-scheduled-job");
        page.context().close();
    }

    @Test
    @Order(10)
    void retryFailedFromTheListWithAFilter() {
        DirectorySite site = new DirectorySite("ui-retry", 1, 1, 2).mount(env.sites);
        ObjectNode spec = site.spec(env.sites, "retry me from the list", 2);
        String missing = env.sites.url(site.prefix() + "no-such-page");
        ((com.fasterxml.jackson.databind.node.ArrayNode) spec.get("seeds")).add(missing);
        ((ObjectNode) spec.get("limits")).put("maxAttempts", 1);
        String id = env.api.createJob(spec).get("id").asText();
        JsonNode done = env.api.awaitStatus(id, CRAWL, Crawl.TERMINAL);
        assertThat(done.path("progress").path("tasksFailed").asLong()).as(done.toString()).isEqualTo(1);
        long failedStarts = startsOf(id, missing);

        Page page = signedIn(E2eEnvironment.KEY);
        page.getByLabel("Status").selectOption(done.path("status").asText());
        page.getByLabel("Name contains").fill("retry me");
        button(page, "Filter").click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
                .setName("retry me from the list"))).isVisible();
        page.getByLabel("all matching this filter").check();
        button(page, "Retry failed").click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT)).containsText("1 job");
        browser.screenshot(page, "24-bulk-confirm");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("^Yes, "))).click();
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.STATUS).first()).containsText("1 changed");
        browser.screenshot(page, "25-bulk-done");
        env.api.awaitJob(id, CRAWL, "the failed page fetched again", j -> startsOf(id, missing) > failedStarts);
        page.context().close();
    }

    static long startsOf(String id, String url) {
        return env.api.events(id).stream().filter(e -> e.path("type").asText().equals("task.started")
                && e.path("data").path("url").asText().equals(url)).count();
    }

    @Test
    @Order(99)
    void noPageLoggedAConsoleError() {
        assertThat(browser.errors).as("console errors and uncaught exceptions of every page").isEmpty();
    }
}
