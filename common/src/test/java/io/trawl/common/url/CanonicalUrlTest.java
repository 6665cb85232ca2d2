package io.trawl.common.url;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalUrlTest {

    @ParameterizedTest
    @CsvSource({
            "HTTP://Example.COM, http://example.com/, example.com",
            "http://example.com:80/a, http://example.com/a, example.com",
            "https://example.com:443/a?b=1#frag, https://example.com/a?b=1, example.com",
            "https://example.com:8443/, https://example.com:8443/, example.com:8443",
            "http://127.0.0.1:4567/x/../y/./z, http://127.0.0.1:4567/y/z, 127.0.0.1:4567",
            "http://example.com/a b?q=ü, http://example.com/a%20b?q=%C3%BC, example.com",
            "http://bücher.example/, http://xn--bcher-kva.example/, xn--bcher-kva.example",
            "http://example.com./, http://example.com/, example.com",
            "http://[::1]:8080/p, http://[::1]:8080/p, [::1]:8080",
            "http://example.com/%7e/100%, http://example.com/%7e/100%25, example.com",
    })
    void canonicalizes(String raw, String url, String hostKey) {
        assertThat(CanonicalUrl.of(raw)).contains(new CanonicalUrl(url, hostKey));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "ftp://example.com/", "javascript:alert(1)", "mailto:a@b.c", "/relative",
            "http://", "http://user:pw@example.com/", "file:///etc/passwd", "http://example.com:99999/"})
    void refusesWhatIsNotAnAbsoluteHttpUrl(String raw) {
        assertThat(CanonicalUrl.of(raw)).isEmpty();
    }

    @Test
    void refusesOverlongUrls() {
        assertThat(CanonicalUrl.of("http://example.com/" + "a".repeat(CanonicalUrl.MAX_LENGTH))).isEmpty();
    }

    @Test
    void equalUrlsHashEqual() {
        Optional<CanonicalUrl> a = CanonicalUrl.of("http://EXAMPLE.com:80/x#1");
        Optional<CanonicalUrl> b = CanonicalUrl.of("http://example.com/x#2");
        assertThat(a.orElseThrow().hash()).isEqualTo(b.orElseThrow().hash()).hasSize(32);
    }

    @Test
    void hostIsTheBareName() {
        assertThat(CanonicalUrl.of("http://[::1]:8080/").orElseThrow().host()).isEqualTo("::1");
        assertThat(CanonicalUrl.of("https://a.example:444/").orElseThrow().host()).isEqualTo("a.example");
    }
}
