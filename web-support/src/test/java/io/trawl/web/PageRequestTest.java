package io.trawl.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageRequestTest {

    @Test
    void limitIsBounded() {
        assertThat(PageRequest.limit(null, 100, 1000)).isEqualTo(100);
        assertThat(PageRequest.limit("1000", 100, 1000)).isEqualTo(1000);
        assertThatThrownBy(() -> PageRequest.limit("1001", 100, 1000)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> PageRequest.limit("0", 100, 1000)).isInstanceOf(ProblemException.class);
    }

    @Test
    void aCursorIsTheRawTextAPageHandedOut() {
        PageRequest page = PageRequest.of(PageRequest.encode("42"), "7", 100, 1000);
        assertThat(page.cursor()).isEqualTo("42");
        assertThat(page.afterId()).isEqualTo(42);
        assertThat(page.limit()).isEqualTo(7);
        assertThat(PageRequest.of("", null, 100, 1000).cursor()).isNull();
        assertThatThrownBy(() -> PageRequest.of("***", null, 100, 1000))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> PageRequest.of(PageRequest.encode("-1"), null, 100, 1000).afterId())
                .isInstanceOf(ProblemException.class);
    }
}
