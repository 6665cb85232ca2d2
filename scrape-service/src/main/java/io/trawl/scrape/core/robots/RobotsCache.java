package io.trawl.scrape.core.robots;

import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import io.smallrye.mutiny.Uni;
import io.trawl.scrape.core.fetch.FetchException;
import io.trawl.scrape.core.fetch.FetchFailure;
import io.trawl.scrape.core.fetch.FetchRequest;
import io.trawl.scrape.core.fetch.FetchResponse;
import io.trawl.scrape.core.fetch.PageFetcher;
import io.trawl.scrape.core.fetch.HopFilter;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * robots.txt per origin (scheme, host, port), fetched once and cached with a TTL; concurrent tasks of one
 * origin share one fetch. Parsed by crawler-commons. Status handling follows crawler-commons (and Google):
 * 4xx means "no robots.txt" (allow all); 5xx, 429, a timeout, a network failure or an undecodable body make
 * the origin's rules unavailable for {@link RobotsOptions#failureTtl()} (its pages are retried later, not
 * fetched blind). A file longer than {@link RobotsOptions#maxBytes()} is parsed up to that size (RFC 9309
 * §2.5: at least the first 500 KiB), never ignored.
 */
public final class RobotsCache {

    /** Told about every freshly fetched robots.txt (the worker turns Crawl-delay into fleet-wide politeness). */
    @FunctionalInterface
    public interface Listener {
        void onFetched(URI origin, RobotsRules rules);
    }

    private final PageFetcher fetcher;
    private final RobotsOptions options;
    private final Clock clock;
    private final Executor blocking;
    private final Listener listener;
    private final Map<String, Entry> cache;

    public RobotsCache(PageFetcher fetcher, RobotsOptions options, Clock clock, Executor blocking, Listener listener) {
        this.fetcher = fetcher;
        this.options = options;
        this.clock = clock;
        this.blocking = blocking;
        this.listener = listener;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > options.maxEntries();
            }
        };
    }

    /** A hop filter that fails a fetch whose URL robots.txt disallows (or whose rules are unavailable). */
    public HopFilter filter() {
        return uri -> rulesFor(uri).onItem().transformToUni(rules -> {
            if (rules.unavailable()) {
                return Uni.createFrom().failure(new FetchException(FetchFailure.ROBOTS_UNAVAILABLE,
                        "robots.txt of " + origin(uri) + " is unavailable"));
            }
            if (!rules.allows(uri.toString())) {
                return Uni.createFrom().failure(new FetchException(FetchFailure.BLOCKED_BY_ROBOTS,
                        "robots.txt of " + origin(uri) + " disallows " + uri.getRawPath()));
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** The rules of {@code page}'s origin, from the cache or fetched now. */
    public Uni<RobotsRules> rulesFor(URI page) {
        String origin = origin(page);
        long now = clock.millis();
        Entry entry;
        boolean owner = false;
        synchronized (cache) {
            entry = cache.get(origin);
            if (entry == null || entry.expiresAt <= now) {
                entry = new Entry();
                cache.put(origin, entry);
                owner = true;
            }
        }
        if (owner) {
            load(origin, entry);
        }
        return Uni.createFrom().completionStage(entry.rules);
    }

    /** Cached origins (for tests and metrics). */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private void load(String origin, Entry entry) {
        String robotsUrl = origin + "/robots.txt";
        fetcher.fetch(FetchRequest.truncating(robotsUrl, options.timeout(), options.maxBytes()))
                .onItem().transformToUni(response -> Uni.createFrom().item(() -> parse(robotsUrl, response))
                        .runSubscriptionOn(blocking))
                .onFailure(FetchException.class).recoverWithUni(failure -> {
                    FetchException e = (FetchException) failure;
                    return switch (e.failure()) {
                        case BLOCKED_ADDRESS, BAD_URL -> Uni.createFrom().failure(e);
                        // an undecodable file is "unreachable" (RFC 9309 2.3.1.4), never "allow all"
                        case TIMEOUT, CONNECTION, TOO_MANY_REDIRECTS, BAD_ENCODING, TOO_LARGE ->
                                Uni.createFrom().item(new RobotsRules(deferred(), true));
                        default -> Uni.createFrom().item(
                                new RobotsRules(new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL), false));
                    };
                })
                .subscribe().with(rules -> {
                    entry.expiresAt = clock.millis()
                            + (rules.unavailable() ? options.failureTtl() : options.ttl()).toMillis();
                    if (!rules.unavailable()) {
                        try {
                            listener.onFetched(URI.create(origin), rules);
                        } catch (RuntimeException ignored) {
                            // feedback is best effort
                        }
                    }
                    entry.rules.complete(rules);
                }, failure -> {
                    synchronized (cache) {
                        cache.remove(origin, entry);
                    }
                    entry.rules.completeExceptionally(failure);
                });
    }

    private RobotsRules parse(String robotsUrl, FetchResponse response) {
        SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
        if (response.status() >= 200 && response.status() < 300) {
            return new RobotsRules(parser.parseContent(robotsUrl, response.body(),
                    response.contentType() == null ? "text/plain" : response.contentType(),
                    List.of(options.agentName().toLowerCase(Locale.ROOT))), false);
        }
        SimpleRobotRules rules = parser.failedFetch(response.status() == 429 ? 503 : response.status());
        return new RobotsRules(rules, rules.isDeferVisits());
    }

    private static SimpleRobotRules deferred() {
        SimpleRobotRules rules = new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE);
        rules.setDeferVisits(true);
        return rules;
    }

    /** {@code scheme://host[:port]} with the default port omitted. */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port < 0 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static final class Entry {
        final CompletableFuture<RobotsRules> rules = new CompletableFuture<>();
        volatile long expiresAt = Long.MAX_VALUE;
    }
}
