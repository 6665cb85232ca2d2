package io.trawl.job.support;

import io.trawl.fixtures.SpecBuilder;
import java.util.List;
import java.util.stream.IntStream;

/** Job spec JSON for tests (built with test-fixtures' {@code io.trawl.fixtures.Specs}). */
public final class Specs {

    private Specs() {
    }

    /** A spec under construction (see test-fixtures' {@code SpecBuilder}). */
    public static SpecBuilder aCrawl() {
        return io.trawl.fixtures.Specs.aCrawl();
    }

    /** {@code n} seed pages on {@code host} (URLs http://host/p0 ... p{n-1}), no politeness delay. */
    public static String pages(String name, String host, int n, int concurrency, int delayMs) {
        return aCrawl().named(name).withSeedTemplate("http://" + host + "/p{i}", "i", numbers(n))
                .maxPages(Math.max(n, 1)).perHost(concurrency, delayMs).maxAttempts(3).json();
    }

    /** "0", "1", ... "n-1": the values of a seed template parameter. */
    public static List<String> numbers(int n) {
        return IntStream.range(0, n).mapToObj(Integer::toString).toList();
    }

    public static String simple(String name) {
        return aCrawl().named(name).withSeeds("https://a.example/1", "https://a.example/2")
                .extracting(null, "title", "h1", "price", ".price").json();
    }
}
