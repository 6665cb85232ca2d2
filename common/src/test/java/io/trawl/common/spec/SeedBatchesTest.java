package io.trawl.common.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trawl.common.json.WireJson;
import io.trawl.common.url.CanonicalUrl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedBatchesTest {

    static JobSpec spec(String json) throws Exception {
        return JobSpecParser.parse(WireJson.tree(json));
    }

    @Test
    void batchesYieldTheSameUrlsInTheSameOrderAsTheExpander() throws Exception {
        JobSpec spec = spec("""
                {"name":"x","seeds":["https://s.example/"],"seedTemplate":{"url":"https://a.example/{q}/{c}",
                 "params":{"q":["1","2","3"],"c":["x y","z"]}}}
                """);
        SeedBatches batches = new SeedBatches(spec);
        List<String> all = new ArrayList<>();
        for (List<CanonicalUrl> b = batches.next(4); !b.isEmpty(); b = batches.next(4)) {
            assertThat(b.size()).isLessThanOrEqualTo(4);
            b.forEach(u -> all.add(u.url()));
        }
        assertThat(all).containsExactlyElementsOf(SeedExpander.expand(spec).stream().map(CanonicalUrl::url).toList());
    }

    @Test
    void anInvalidLaterExpansionNamesItsParameter() throws Exception {
        JobSpec spec = spec("""
                {"name":"x","seedTemplate":{"url":"https://{h}.example/{p}","params":{"p":["1","2"],"h":["a","b c"]}}}
                """);
        SeedBatches batches = new SeedBatches(spec);
        assertThatThrownBy(() -> batches.next(10)).isInstanceOfSatisfying(InvalidSpecException.class,
                e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("seedTemplate.params.h"));
    }
}
