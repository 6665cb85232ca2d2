package io.trawl.event.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void requestsWithoutAnOriginAreNotBrowsersAndPass() {
        assertThat(new OriginPolicy(List.of()).allows(null)).isTrue();
    }

    @Test
    void anEmptyListRefusesEveryBrowserOrigin() {
        assertThat(new OriginPolicy(List.of()).allows("https://dash.example.com")).isFalse();
    }

    @Test
    void exactOriginsAnyPortAndWildcard() {
        OriginPolicy p = new OriginPolicy(List.of("https://Dash.example.com/", "http://localhost:*"));
        assertThat(p.allows("https://dash.example.com")).isTrue();
        assertThat(p.allows("https://dash.example.com:8443")).isFalse();
        assertThat(p.allows("http://dash.example.com")).isFalse();
        assertThat(p.allows("http://localhost:3000")).isTrue();
        assertThat(p.allows("http://localhost")).isTrue();
        assertThat(p.allows("http://localhost:3000.evil.example")).isFalse();
        assertThat(p.allows("http://localhost.evil.example")).isFalse();
        assertThat(new OriginPolicy(List.of("*")).allows("https://anything.example")).isTrue();
    }
}
