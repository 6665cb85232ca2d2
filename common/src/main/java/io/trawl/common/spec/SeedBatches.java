package io.trawl.common.spec;

import io.trawl.common.url.CanonicalUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A job's seed URLs (its seeds, then its template's expansions in parameter order) produced a batch at a
 * time, each canonicalized and validated. An expansion that is not a valid URL is an
 * {@link InvalidSpecException} naming the parameter responsible, never a silent drop. Batches may repeat a
 * URL of an earlier batch (the task writer skips URLs a job already has). Not thread-safe: one caller pulls
 * the batches in turn (possibly from different threads, one at a time).
 */
public final class SeedBatches {

    private static final int MAX_SHOWN = 200;

    private final List<String> seeds;
    private final SeedTemplate template;
    private final List<String> names;
    private final List<List<String>> encoded;
    private final int[] index;
    private int nextSeed;
    private boolean templateDone;

    public SeedBatches(JobSpec spec) {
        this.seeds = spec.seeds();
        this.template = spec.seedTemplate();
        this.names = new ArrayList<>();
        this.encoded = new ArrayList<>();
        if (template != null) {
            for (Map.Entry<String, List<String>> e : template.params().entrySet()) {
                names.add(e.getKey());
                encoded.add(e.getValue().stream().map(SeedExpander::encode).toList());
            }
        }
        this.index = new int[names.size()];
        this.templateDone = template == null || encoded.stream().anyMatch(List::isEmpty);
    }

    /** The next at most {@code size} URLs; empty when every seed and expansion was produced. */
    public List<CanonicalUrl> next(int size) {
        List<CanonicalUrl> batch = new ArrayList<>(size);
        while (batch.size() < size && nextSeed < seeds.size()) {
            String raw = seeds.get(nextSeed);
            batch.add(CanonicalUrl.of(raw).orElseThrow(() -> invalid("seeds[" + nextSeed + "]",
                    "is not an absolute http or https URL of at most " + CanonicalUrl.MAX_LENGTH + " characters")));
            nextSeed++;
        }
        while (batch.size() < size && !templateDone) {
            String url = expansion();
            CanonicalUrl canonical = CanonicalUrl.of(url).orElse(null);
            if (canonical == null) {
                throw blame(url);
            }
            batch.add(canonical);
            advance();
        }
        return batch;
    }

    private String expansion() {
        String url = template.url();
        for (int p = 0; p < names.size(); p++) {
            url = url.replace("{" + names.get(p) + "}", encoded.get(p).get(index[p]));
        }
        return url;
    }

    /** Odometer over the parameter values, the last parameter fastest (the order of {@link SeedExpander}). */
    private void advance() {
        for (int p = names.size() - 1; p >= 0; p--) {
            if (++index[p] < encoded.get(p).size()) {
                return;
            }
            index[p] = 0;
        }
        templateDone = true;
    }

    /**
     * The parameter responsible for an invalid expansion: the first whose value is not its first one (the
     * first expansion is checked by the parser); the template itself when every value is the first.
     */
    private InvalidSpecException blame(String url) {
        String shown = url.length() > MAX_SHOWN ? url.substring(0, MAX_SHOWN) + "…" : url;
        for (int p = 0; p < names.size(); p++) {
            if (index[p] != 0) {
                String value = template.params().get(names.get(p)).get(index[p]);
                String shownValue = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) + "…" : value;
                return invalid("seedTemplate.params." + names.get(p), "value [" + index[p] + "] (\"" + shownValue
                        + "\") makes an expansion that is not an absolute http or https URL of at most "
                        + CanonicalUrl.MAX_LENGTH + " characters: " + shown);
            }
        }
        return invalid("seedTemplate.url", "does not expand to an absolute http or https URL (first: " + shown + ")");
    }

    private static InvalidSpecException invalid(String field, String message) {
        return new InvalidSpecException(List.of(new FieldError(field, message)));
    }
}
