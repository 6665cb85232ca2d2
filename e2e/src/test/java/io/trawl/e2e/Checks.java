package io.trawl.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.e2e.client.EventFeed;
import io.trawl.e2e.client.TrawlApi;
import io.trawl.e2e.fixture.DirectorySite;
import io.trawl.e2e.fixture.FixtureServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Assertions shared by the scenarios; each failure says what was expected and what was seen. */
final class Checks {

    private Checks() {
    }

    /** Asserts that {@code seqs} (in arrival order) is exactly 1, 2, ..., n. */
    static void assertSeqs(String who, List<Long> seqs, long n) {
        Set<Long> seen = new java.util.HashSet<>();
        List<String> faults = new ArrayList<>();
        long expected = 1;
        for (int i = 0; i < seqs.size() && faults.size() < 10; i++) {
            long s = seqs.get(i);
            if (!seen.add(s)) {
                faults.add("duplicate " + s + " at position " + i);
            } else if (s != expected) {
                faults.add("at position " + i + " expected seq " + expected + " but got " + s);
                expected = s + 1;
            } else {
                expected++;
            }
        }
        if (!faults.isEmpty() || seqs.size() != n || (n > 0 && seqs.get(seqs.size() - 1) != n)) {
            throw new AssertionError(who + ": expected seq 1.." + n + " exactly once each, in order; got "
                    + seqs.size() + " events" + (seqs.isEmpty() ? "" : " (first " + seqs.get(0) + ", last "
                    + seqs.get(seqs.size() - 1) + ")") + "; faults " + faults);
        }
    }

    /** NDJSON export → url → data (fails on a duplicate url or (taskId, ordinal)). */
    static Map<String, Map<String, String>> ndjsonItems(TrawlApi api, String jobId) {
        List<JsonNode> lines = api.exportNdjson(jobId);
        Map<String, Map<String, String>> items = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        Set<String> keys = new java.util.HashSet<>();
        for (JsonNode line : lines) {
            String url = line.path("url").asText();
            if (!keys.add(line.path("taskId").asText() + "/" + line.path("ordinal").asText())) {
                duplicates.add("taskId/ordinal " + line.path("taskId") + "/" + line.path("ordinal"));
            }
            Map<String, String> data = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = line.path("data").fields();
            while (fields.hasNext()) {
                var f = fields.next();
                data.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
            }
            if (items.put(url, data) != null) {
                duplicates.add(url);
            }
        }
        if (!duplicates.isEmpty()) {
            throw new AssertionError("job " + jobId + ": NDJSON export has " + duplicates.size()
                    + " duplicate item(s), e.g. " + duplicates.subList(0, Math.min(5, duplicates.size())));
        }
        return items;
    }

    /** CSV export → url → data, checking the header is {@code url} + the spec's fields. */
    static Map<String, Map<String, String>> csvItems(TrawlApi api, String jobId, List<String> fields) {
        TrawlApi.Response r = api.exportCsv(jobId);
        List<List<String>> rows = Csv.parse(r.body());
        List<String> header = new ArrayList<>();
        header.add("url");
        header.addAll(fields);
        if (rows.isEmpty() || !rows.get(0).equals(header)) {
            throw new AssertionError("job " + jobId + ": CSV header expected " + header + ", got "
                    + (rows.isEmpty() ? "no rows" : rows.get(0)));
        }
        Map<String, Map<String, String>> items = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() != header.size()) {
                throw new AssertionError("job " + jobId + ": CSV row with " + row.size() + " cells, expected "
                        + header.size() + ": " + row);
            }
            Map<String, String> data = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                data.put(fields.get(i), row.get(i + 1));
            }
            if (items.put(row.get(0), data) != null) {
                duplicates.add(row.get(0));
            }
        }
        if (!duplicates.isEmpty()) {
            throw new AssertionError("job " + jobId + ": CSV export has duplicate rows for " + duplicates.size()
                    + " url(s), e.g. " + duplicates.subList(0, Math.min(5, duplicates.size())));
        }
        return items;
    }

    /** Asserts {@code actual} is exactly {@code expected}: no missing, no extra, no differing item. */
    static void assertItems(String who, Map<String, Map<String, String>> expected,
            Map<String, Map<String, String>> actual) {
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(actual.keySet());
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        List<String> differing = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Map<String, String> got = actual.get(e.getKey());
            if (got != null && !got.equals(e.getValue()) && differing.size() < 5) {
                differing.add(e.getKey() + ": expected " + e.getValue() + " got " + got);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty() || !differing.isEmpty()) {
            throw new AssertionError(who + ": expected exactly " + expected.size() + " items, got " + actual.size()
                    + "; missing " + missing.size() + " " + first(missing) + "; unexpected " + extra.size() + " "
                    + first(extra) + "; differing " + differing);
        }
    }

    /** The complete crawl of {@code site}: the items (both exports, exactly) and the job's counters. */
    static void assertCompleteCrawl(E2eEnvironment env, String jobId, DirectorySite site, FixtureServer server) {
        JsonNode job = env.api.job(jobId);
        String counters = TrawlApi.summary(job);
        if (!job.path("status").asText().equals("completed")
                || job.path("progress").path("tasksTotal").asLong() != site.pageCount()
                || job.path("progress").path("tasksDone").asLong() != site.pageCount()
                || job.path("progress").path("tasksFailed").asLong() != 0
                || job.path("progress").path("items").asLong() != site.businessCount()) {
            throw new AssertionError("job " + jobId + ": expected completed with tasksTotal = tasksDone = "
                    + site.pageCount() + ", tasksFailed 0, items " + site.businessCount() + "; got " + counters);
        }
        Map<String, Map<String, String>> expected = site.expectedItems(server);
        assertItems("job " + jobId + " NDJSON export", expected, ndjsonItems(env.api, jobId));
        assertItems("job " + jobId + " CSV export", expected, csvItems(env.api, jobId, DirectorySite.fields()));
    }

    /** Asserts the stored events (REST replay) are 1..N with N = the job's lastEventSeq; returns them. */
    static List<JsonNode> assertStoredEvents(TrawlApi api, String jobId) {
        long last = api.job(jobId).path("lastEventSeq").asLong();
        List<JsonNode> events = api.events(jobId);
        assertSeqs("job " + jobId + " REST replay", events.stream().map(e -> e.path("seq").asLong()).toList(), last);
        return events;
    }

    /** Asserts a WebSocket feed received exactly 1..N (N from the job) and reported no problem. */
    static void assertFeed(String who, EventFeed feed, TrawlApi api, String jobId) {
        long last = api.job(jobId).path("lastEventSeq").asLong();
        feed.awaitSeq(last, Duration.ofSeconds(30));
        assertSeqs(who, feed.seqs(), last);
    }

    /** Fixture hits per page of {@code site} that are not exactly 1 (pages of the site and anything else under it). */
    static Map<String, Integer> notFetchedOnce(FixtureServer server, DirectorySite site) {
        Map<String, Integer> hits = server.hitsUnder(site.prefix());
        Map<String, Integer> wrong = new java.util.TreeMap<>();
        Set<String> pages = new java.util.HashSet<>();
        for (String url : site.pageUrls(server)) {
            String target = url.substring(server.origin().length());
            pages.add(target);
            int n = hits.getOrDefault(target, 0);
            if (n != 1) {
                wrong.put(target, n);
            }
        }
        hits.forEach((target, n) -> {
            if (!pages.contains(target)) {
                wrong.put(target, n);
            }
        });
        return wrong;
    }

    /** Events of a type, in seq order. */
    static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** Count of events per type, for messages. */
    static Map<String, Long> histogram(List<JsonNode> events) {
        return events.stream().collect(Collectors.groupingBy(e -> e.path("type").asText(), java.util.TreeMap::new,
                Collectors.counting()));
    }

    /** How many times each URL appears in events of {@code type}. */
    static Map<String, Integer> perUrl(List<JsonNode> events, String type) {
        Map<String, Integer> counts = new HashMap<>();
        ofType(events, type).forEach(e -> counts.merge(e.path("data").path("url").asText(), 1, Integer::sum));
        return counts;
    }

    static String first(java.util.Collection<String> items) {
        return items.stream().limit(5).toList().toString();
    }
}
