package io.trawl.event.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TenantDirectoryTest {

    @Test
    void forgetsTheLeastRecentlyUsedJobBeyondItsCapacity() {
        TenantDirectory d = new TenantDirectory(2);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        d.put(a, "acme");
        d.put(b, "globex");
        assertThat(d.get(a)).isEqualTo("acme");
        d.put(c, "initech");
        assertThat(d.get(b)).isNull();
        assertThat(d.get(a)).isEqualTo("acme");
        assertThat(d.size()).isEqualTo(2);
    }
}
