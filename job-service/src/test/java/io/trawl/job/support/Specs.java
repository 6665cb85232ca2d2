package io.trawl.job.support;

/** Job spec JSON for tests. */
public final class Specs {

    private Specs() {
    }

    /** {@code n} seed pages on {@code host} (URLs http://host/p0 ... p{n-1}), no politeness delay. */
    public static String pages(String name, String host, int n, int concurrency, int delayMs) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < n; i++) {
            values.append(i == 0 ? "" : ",").append('"').append(i).append('"');
        }
        return """
                {"name": "%s", "seedTemplate": {"url": "http://%s/p{i}", "params": {"i": [%s]}},
                 "crawl": {"maxPages": %d},
                 "limits": {"perHostConcurrency": %d, "perHostDelayMs": %d, "maxAttempts": 3}}
                """.formatted(name, host, values, Math.max(n, 1), concurrency, delayMs);
    }

    public static String simple(String name) {
        return "{\"name\":\"" + name + "\",\"seeds\":[\"https://a.example/1\",\"https://a.example/2\"],"
                + "\"extract\":{\"fields\":{\"title\":\"h1\",\"price\":\".price\"}}}";
    }
}
