package io.trawl.common.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.trawl.common.json.WireJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code render} and {@code browser} in a job spec (DESIGN.md §7). */
class RenderSpecTest {

    private static final String SEEDS = "\"name\":\"x\",\"seeds\":[\"http://a.example/\"]";

    private static JobSpec parse(String json) {
        return JobSpecParser.parse(WireJson.tree(json));
    }

    private static List<FieldError> errors(String json) {
        try {
            parse(json);
        } catch (InvalidSpecException e) {
            return e.errors();
        }
        throw new AssertionError("expected the spec to be invalid: " + json);
    }

    @Test
    void staticIsTheDefaultAndHasNoBrowserOptions() {
        JobSpec spec = parse("{" + SEEDS + "}");
        assertThat(spec.render()).isEqualTo(RenderMode.STATIC);
        assertThat(spec.rendersInBrowser()).isFalse();
        assertThat(spec.browser()).isNull();
        assertThat(parse("{" + SEEDS + ",\"render\":\"static\"}")).isEqualTo(spec);
    }

    @Test
    void browserJobGetsDefaultOptions() {
        JobSpec spec = parse("{" + SEEDS + ",\"render\":\"browser\"}");
        assertThat(spec.rendersInBrowser()).isTrue();
        assertThat(spec.browser()).isEqualTo(BrowserSpec.defaults());
        assertThat(spec.browser().blockResources()).containsExactly("image", "font", "media");
        assertThat(spec.browser().viewport()).isEqualTo(new BrowserSpec.Viewport(1280, 800));
    }

    @Test
    void browserOptionsAreKept() {
        JobSpec spec = parse("{" + SEEDS + ",\"render\":\"browser\",\"browser\":{\"waitFor\":\"ul.items li\","
                + "\"waitMs\":30000,\"blockResources\":[\"image\",\"stylesheet\",\"image\"],"
                + "\"viewport\":{\"width\":800,\"height\":600}}}");
        assertThat(spec.browser()).isEqualTo(new BrowserSpec("ul.items li", 30_000, List.of("image", "stylesheet"),
                new BrowserSpec.Viewport(800, 600)));
        assertThat(parse("{" + SEEDS + ",\"render\":\"browser\",\"browser\":{\"blockResources\":[]}}").browser()
                .blockResources()).isEmpty();
    }

    @Test
    void reportsEveryBadBrowserFieldWithItsPath() {
        assertThat(errors("{" + SEEDS + ",\"render\":\"browser\",\"browser\":{\"waitFor\":\"a[\",\"waitMs\":30001,"
                + "\"blockResources\":[\"script\",3],\"viewport\":{\"width\":50,\"height\":\"x\",\"depth\":1},"
                + "\"js\":true}}"))
                .extracting(FieldError::field).containsExactlyInAnyOrder("browser.waitFor", "browser.waitMs",
                        "browser.blockResources[0]", "browser.blockResources[1]", "browser.viewport.width",
                        "browser.viewport.height", "browser.viewport.depth", "browser.js");
        assertThat(errors("{" + SEEDS + ",\"render\":\"browser\",\"browser\":{\"waitMs\":-1}}"))
                .extracting(FieldError::field).containsExactly("browser.waitMs");
        assertThat(errors("{" + SEEDS + ",\"render\":\"browser\",\"browser\":[]}"))
                .extracting(FieldError::field).containsExactly("browser");
    }

    @Test
    void renderMustBeStaticOrBrowser() {
        assertThat(errors("{" + SEEDS + ",\"render\":\"chrome\"}")).extracting(FieldError::field)
                .containsExactly("render");
        assertThat(errors("{" + SEEDS + ",\"render\":true}")).extracting(FieldError::field)
                .containsExactly("render");
    }

    @Test
    void browserOptionsNeedBrowserRendering() {
        assertThat(errors("{" + SEEDS + ",\"browser\":{\"waitMs\":10}}")).extracting(FieldError::field)
                .containsExactly("browser");
        assertThat(errors("{" + SEEDS + ",\"render\":\"static\",\"browser\":{}}")).extracting(FieldError::field)
                .containsExactly("browser");
    }

    @Test
    void storedBrowserSpecRoundTrips() {
        JobSpec spec = parse("{" + SEEDS + ",\"render\":\"browser\",\"browser\":{\"waitFor\":\"li\",\"waitMs\":5}}");
        String stored = WireJson.encodeString(spec);
        assertThat(stored).contains("\"render\":\"browser\"");
        assertThat(JobSpecParser.parseStored(stored)).isEqualTo(spec);
        JobSpec plain = parse("{" + SEEDS + "}");
        assertThat(JobSpecParser.parseStored(WireJson.encodeString(plain))).isEqualTo(plain);
    }
}
