package io.trawl.scrape.core.fetch;

import io.smallrye.mutiny.Uni;
import java.net.URI;

/**
 * A check run before every hop of a fetch (the first URL and each redirect target), e.g. robots.txt. It fails
 * the Uni with a {@link FetchException} to stop the fetch.
 */
@FunctionalInterface
public interface HopFilter {

    HopFilter NONE = uri -> Uni.createFrom().voidItem();

    Uni<Void> check(URI uri);
}
