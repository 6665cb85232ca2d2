package io.trawl.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcInstantDeserializerTest {

    record Stamped(Instant time) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-01T23:16:19Z", "2026-12-01T23:16:19.1Z", "2026-12-01T23:16:19.123456Z",
            "2026-12-01T23:16:19.123456789Z", "1970-01-01T00:00:00Z", "2024-02-29T12:00:00.5Z", "1969-12-31T23:59:59.999Z",
            "9999-12-31T23:59:59.999999999Z"})
    void readsTheUtcFormAsJavaDoes(String text) {
        assertThat(UtcInstantDeserializer.parse(text)).isEqualTo(Instant.parse(text));
        assertThat(WireJson.decode(("{\"time\":\"" + text + "\"}").getBytes(), Stamped.class).time())
                .isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-01T23:16:19+01:00", "2026-12-01T23:16:19.000+00:00", "2026-12-01 23:16:19Z",
            "2026-13-01T23:16:19Z", "2026-02-30T23:16:19Z", "2026-12-01T24:00:00Z", "2026-12-01T23:16:19.Z",
            "2026-12-01T23:16:19.1234567890Z", "+2026-12-01T23:16:19Z", "2026-12-0aT23:16:19Z"})
    void leavesEveryOtherFormToJackson(String text) {
        assertThat(UtcInstantDeserializer.parse(text)).isNull();
    }

    @Test
    void offsetsAndNumbersStillDecodeThroughJackson() {
        assertThat(WireJson.decode("{\"time\":\"2026-12-01T23:16:19+01:00\"}".getBytes(), Stamped.class).time())
                .isEqualTo(Instant.parse("2026-12-01T22:16:19Z"));
        assertThat(WireJson.decode("{\"time\":1700000000.5}".getBytes(), Stamped.class).time())
                .isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
    }

    @Test
    void anInvalidDateIsStillRefused() {
        assertThatThrownBy(() -> WireJson.decode("{\"time\":\"2026-02-30T23:16:19Z\"}".getBytes(), Stamped.class))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void writesAndReadsBackTheSameInstant() {
        Instant now = Instant.parse("2026-12-01T23:16:19.123456Z");
        byte[] json = WireJson.encode(Map.of("time", now));
        assertThat(WireJson.decode(json, Stamped.class).time()).isEqualTo(now);
    }
}
