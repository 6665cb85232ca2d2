package io.trawl.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class FeedTokensTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Duration TTL = Duration.ofMinutes(5);

    final FeedTokens tokens = FeedTokens.withSecret(SECRET);

    @Test
    void aTenantTokenIsAViewerOfItsTenantUntilItExpires() {
        FeedTokens.Minted minted = tokens.mint("acme", NOW, TTL);

        assertThat(minted.expiresAt()).isEqualTo(NOW.plus(TTL));
        assertThat(minted.token()).startsWith("ft1.");
        assertThat(tokens.verify(minted.token(), NOW)).contains(new Caller("acme", Role.VIEWER));
        assertThat(tokens.verify(minted.token(), NOW.plus(TTL).minusSeconds(1))).isPresent();
    }

    @Test
    void anAllTenantsTokenIsAnAdmin() {
        assertThat(tokens.verify(tokens.mint(null, NOW, TTL).token(), NOW)).contains(Caller.admin());
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = tokens.mint("acme", NOW, TTL).token();

        assertThat(tokens.verify(token, NOW.plus(TTL))).isEmpty();
        assertThat(tokens.verify(token, NOW.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = tokens.mint("acme", NOW, TTL).token();
        String[] parts = token.split("\\.");
        // The same signature over another tenant, and over a later expiry.
        String otherTenant = Base64.getUrlEncoder().withoutPadding().encodeToString(
                (NOW.plus(TTL).getEpochSecond() + ":t=globex").getBytes(StandardCharsets.UTF_8));
        String later = Base64.getUrlEncoder().withoutPadding().encodeToString(
                (NOW.plus(Duration.ofDays(9)).getEpochSecond() + ":t=acme").getBytes(StandardCharsets.UTF_8));
        String everyone = Base64.getUrlEncoder().withoutPadding().encodeToString(
                (NOW.plus(TTL).getEpochSecond() + ":*").getBytes(StandardCharsets.UTF_8));

        assertThat(tokens.verify(parts[0] + "." + otherTenant + "." + parts[2], NOW)).isEmpty();
        assertThat(tokens.verify(parts[0] + "." + later + "." + parts[2], NOW)).isEmpty();
        assertThat(tokens.verify(parts[0] + "." + everyone + "." + parts[2], NOW)).isEmpty();
        char last = parts[2].charAt(0);
        String flipped = (last == 'A' ? 'B' : 'A') + parts[2].substring(1);
        assertThat(tokens.verify(parts[0] + "." + parts[1] + "." + flipped, NOW)).isEmpty();
        assertThat(tokens.verify(parts[0] + "." + parts[1] + ".", NOW)).isEmpty();
        assertThat(tokens.verify(parts[0] + "." + parts[1], NOW)).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        String token = FeedTokens.withSecret("another-secret-another-secret-xx").mint("acme", NOW, TTL).token();

        assertThat(tokens.verify(token, NOW)).isEmpty();
    }

    @Test
    void garbageIsRefusedWithoutAnException() {
        for (String garbage : new String[] {null, "", "ft1.", "ft1..", "ft1.!!!.!!!", "dev-key", "ft1.a.b.c",
                "ft1." + Base64.getUrlEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)) + ".AAAA"}) {
            assertThat(tokens.verify(garbage, NOW)).as(String.valueOf(garbage)).isEmpty();
        }
    }

    @Test
    void withoutASecretNothingIsMintedAndNothingVerifies() {
        FeedTokens disabled = FeedTokens.disabled();

        assertThat(disabled.enabled()).isFalse();
        assertThatThrownBy(() -> disabled.mint("acme", NOW, TTL)).isInstanceOf(IllegalStateException.class);
        assertThat(disabled.verify(tokens.mint("acme", NOW, TTL).token(), NOW)).isEmpty();
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> FeedTokens.withSecret("short")).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> FeedTokens.withSecret(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
