package io.trawl.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one retry group, and the old per-service keys that still feed it for one release. */
class LegacyRetryKeysTest {

    static final class ReaperKeys extends LegacyRetryKeys {
        ReaperKeys() {
            super("trawl.reaper.");
        }
    }

    /** The group's keys as the service's mapping looks them up, each with its {@code @WithDefault}. */
    private static Retry retry(Map<String, String> properties, int ordinal) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withInterceptors(new ReaperKeys())
                .withSources(new PropertiesConfigSource(properties, "test", ordinal))
                .withDefaultValue("trawl.retry.backoff-base", "2s")
                .withDefaultValue("trawl.retry.backoff-max", "5m")
                .withDefaultValue("trawl.retry.backoff-jitter", "0.25")
                .build();
        return new Retry(config.getValue("trawl.retry.backoff-base", String.class),
                config.getValue("trawl.retry.backoff-max", String.class),
                config.getValue("trawl.retry.backoff-jitter", Double.class));
    }

    record Retry(String backoffBase, String backoffMax, double backoffJitter) {
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Retry retry = retry(Map.of(), 100);
        assertThat(retry.backoffBase()).isEqualTo("2s");
        assertThat(retry.backoffMax()).isEqualTo("5m");
        assertThat(retry.backoffJitter()).isEqualTo(0.25);
    }

    @Test
    void theNewKeysSetThePolicy() {
        Retry retry = retry(Map.of("trawl.retry.backoff-base", "3s", "trawl.retry.backoff-jitter", "0.1"), 100);
        assertThat(retry.backoffBase()).isEqualTo("3s");
        assertThat(retry.backoffJitter()).isEqualTo(0.1);
    }

    @Test
    void anOldKeyStillWorksWhenTheNewOneIsNotSet() {
        Retry retry = retry(Map.of("trawl.reaper.backoff-base", "7s", "trawl.reaper.backoff-max", "1m"), 100);
        assertThat(retry.backoffBase()).isEqualTo("7s");
        assertThat(retry.backoffMax()).isEqualTo("1m");
        assertThat(retry.backoffJitter()).isEqualTo(0.25);
    }

    @Test
    void theNewKeyWinsOverTheOldOneInTheSameSource() {
        Retry retry = retry(Map.of("trawl.reaper.backoff-base", "7s", "trawl.retry.backoff-base", "3s"), 100);
        assertThat(retry.backoffBase()).isEqualTo("3s");
    }

    @Test
    void anotherServicesOldKeysAreIgnored() {
        Retry retry = retry(Map.of("trawl.worker.backoff-base", "7s"), 100);
        assertThat(retry.backoffBase()).isEqualTo("2s");
    }

    @Test
    void envNamesFollowQuarkusRules() {
        assertThat(LegacyRetryKeys.envName("trawl.retry.backoff-base")).isEqualTo("TRAWL_RETRY_BACKOFF_BASE");
    }
}
