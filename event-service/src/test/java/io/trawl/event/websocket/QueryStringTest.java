package io.trawl.event.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryStringTest {

    @Test
    void readsDecodedParameters() {
        assertThat(QueryString.first("after=5&access_token=a%2Bb", "access_token")).isEqualTo("a+b");
        assertThat(QueryString.first("after=5&after=6", "after")).isEqualTo("5");
        assertThat(QueryString.first("flag", "flag")).isEmpty();
        assertThat(QueryString.first("after=5", "before")).isNull();
        assertThat(QueryString.first(null, "after")).isNull();
        assertThat(QueryString.first("after=%zz", "after")).isNull();
    }
}
