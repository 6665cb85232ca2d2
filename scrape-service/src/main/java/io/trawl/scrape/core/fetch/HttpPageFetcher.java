package io.trawl.scrape.core.fetch;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.trawl.common.url.CanonicalUrl;
import io.trawl.guard.AddressGuard;
import io.trawl.guard.BlockedAddressException;
import io.trawl.support.ServerContexts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jsoup.internal.StringUtil;

/**
 * The static {@link PageFetcher}: fetches one page over HTTP(S) with the Vert.x core HTTP client
 * (non-blocking, streaming).
 * <ul>
 * <li>Every hop (the URL and each redirect target) passes the {@link HopFilter} (robots.txt), then the
 * {@link AddressGuard}: the host is resolved once, off the event loop, every address checked, and the
 * connection goes to that checked address ({@link RequestOptions#setServer}) while Host header and TLS SNI
 * keep the name — no second lookup, so DNS rebinding cannot swap the address.</li>
 * <li>Redirects are followed by hand up to {@link FetcherOptions#maxRedirects()}.</li>
 * <li>Limits: connect timeout and read (idle) timeout per hop, a total timeout for the whole fetch, and the
 * body cap enforced while the body streams in (Content-Length checked first; the connection is reset the
 * moment the cap is passed, so an endless chunked body costs at most the cap). gzip/deflate is undone by
 * {@link BodyDecoder} with the same cap on the decompressed size.</li>
 * <li>Bodies of error statuses (4xx/5xx) are not read.</li>
 * </ul>
 * Cancelling the returned Uni (e.g. a paused job) resets the connection.
 * Every request to one server address is issued from that server's event-loop context ({@link ServerContexts}),
 * so the resets above never close a pooled connection another fetch has just been lent.
 */
public final class HttpPageFetcher implements PageFetcher {

    private static final String ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";

    private final HttpClient client;
    private final FetcherOptions options;
    private final AddressGuard guard;
    private final Executor blocking;
    private final Clock clock;
    private final ServerContexts contexts;

    public HttpPageFetcher(Vertx vertx, FetcherOptions options, AddressGuard guard, Executor blocking, Clock clock) {
        this.options = options;
        this.guard = guard;
        this.blocking = blocking;
        this.clock = clock;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setForceSni(true)
                        .setVerifyHost(true)
                        .setDecompressionSupported(false)
                        .setTryUseCompression(false)
                        .setMaxHeaderSize(32 * 1024)
                        .setConnectTimeout((int) options.connectTimeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(options.maxPoolSizePerHost()));
        this.contexts = ServerContexts.of(vertx);
    }

    @Override
    public Uni<FetchResponse> fetch(FetchRequest request, HopFilter filter) {
        long started = System.nanoTime();
        return Uni.createFrom().deferred(() -> hop(parse(request.url()), 0, request, filter, started))
                .ifNoItem().after(request.timeout())
                .failWith(() -> new FetchException(FetchFailure.TIMEOUT,
                        "no complete response within " + request.timeout().toMillis() + " ms"));
    }

    @Override
    public void close() {
        client.close();
    }

    private Uni<FetchResponse> hop(URI uri, int redirects, FetchRequest request, HopFilter filter, long started) {
        String host = hostOf(uri);
        return filter.check(uri)
                .chain(() -> resolve(host))
                .chain(address -> exchange(uri, address, request, redirects, started))
                .chain(result -> {
                    if (result.redirect() == null) {
                        return Uni.createFrom().item(result.response());
                    }
                    if (redirects >= options.maxRedirects()) {
                        return Uni.createFrom().failure(new FetchException(FetchFailure.TOO_MANY_REDIRECTS,
                                "more than " + options.maxRedirects() + " redirects"));
                    }
                    return hop(result.redirect(), redirects + 1, request, filter, started);
                });
    }

    private Uni<InetAddress> resolve(String host) {
        return Uni.createFrom().<InetAddress>emitter(em -> {
            try {
                em.complete(guard.resolve(host));
            } catch (BlockedAddressException e) {
                em.fail(new FetchException(FetchFailure.BLOCKED_ADDRESS, e.getMessage(), e));
            } catch (UnknownHostException e) {
                em.fail(new FetchException(FetchFailure.CONNECTION, "cannot resolve host " + host, e));
            } catch (RuntimeException e) {
                em.fail(new FetchException(FetchFailure.CONNECTION, "cannot resolve host " + host + ": " + e, e));
            }
        }).runSubscriptionOn(blocking);
    }

    /** One request/response; a redirect yields the next URI, anything else the response. */
    private Uni<HopResult> exchange(URI uri, InetAddress address, FetchRequest request, int redirects, long started) {
        boolean https = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(hostOf(uri))
                .setPort(port)
                .setSsl(https)
                .setURI(pathAndQuery(uri))
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setFollowRedirects(false)
                .setConnectTimeout(Math.min(options.connectTimeout().toMillis(), request.timeout().toMillis()))
                .setIdleTimeout(options.readTimeout().toMillis())
                .putHeader("User-Agent", options.userAgent())
                .putHeader("Accept", ACCEPT)
                .putHeader("Accept-Encoding", "gzip, deflate");
        if (uri.getPort() > 0 && uri.getPort() != (https ? 443 : 80)) {
            ro.putHeader("Host", hostHeader(uri) + ":" + port);
        }
        Context context = contexts.forServer(address, port);
        return Uni.createFrom().<RawHop>emitter(em -> send(context, ro, uri, request, em))
                .chain(raw -> raw.redirect() != null
                        ? Uni.createFrom().item(new HopResult(null, raw.redirect()))
                        : decode(raw, request, redirects, started).onItem().transform(r -> new HopResult(r, null)));
    }

    private void send(Context context, RequestOptions ro, URI uri, FetchRequest request, UniEmitter<? super RawHop> em) {
        AtomicReference<HttpClientRequest> current = new AtomicReference<>();
        AtomicBoolean finished = new AtomicBoolean();
        em.onTermination(() -> {
            HttpClientRequest req = current.get();
            if (req != null && finished.compareAndSet(false, true)) {
                req.reset(); // cancelled or timed out: drop the connection
            }
        });
        // Issue the request from the server's event-loop context and stay on it: the response future's callback
        // then runs on the thread that delivers the body, so the handlers are in place before the first chunk.
        context.runOnContext(v -> client.request(ro)
                .compose(req -> {
                    current.set(req);
                    return req.send();
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        em.fail(mapFailure(ar.cause()));
                        return;
                    }
                    try {
                        onResponse(ar.result(), uri, request.maxBytes(), request.truncate(), em, finished);
                    } catch (RuntimeException e) {
                        finished.set(true);
                        em.fail(mapFailure(e));
                    }
                }));
    }

    private void onResponse(HttpClientResponse response, URI uri, long maxBytes, boolean truncate,
            UniEmitter<? super RawHop> em, AtomicBoolean finished) {
        int status = response.statusCode();
        response.exceptionHandler(t -> {
            // failures after we reset the stream ourselves are expected; others are handled below
        });
        String retryAfter = response.getHeader("Retry-After");
        if (isRedirect(status)) {
            String location = response.getHeader("Location");
            finished.set(true);
            response.request().reset();
            if (location == null || location.isBlank()) {
                em.fail(new FetchException(FetchFailure.BAD_URL, "redirect " + status + " without Location"));
                return;
            }
            try {
                em.complete(RawHop.redirect(redirectTarget(uri, location)));
            } catch (FetchException e) {
                em.fail(e);
            }
            return;
        }
        String contentType = response.getHeader("Content-Type");
        String encoding = response.getHeader("Content-Encoding");
        if (status >= 400 || status < 200) {
            finished.set(true);
            response.request().reset();
            em.complete(new RawHop(uri, status, contentType, encoding, new byte[0], 0, retryAfter, null));
            return;
        }
        String length = response.getHeader("Content-Length");
        if (length != null && !truncate) {
            try {
                if (Long.parseLong(length.strip()) > maxBytes) {
                    finished.set(true);
                    response.request().reset();
                    em.fail(new FetchException(FetchFailure.TOO_LARGE,
                            "Content-Length " + length.strip() + " exceeds " + maxBytes + " bytes"));
                    return;
                }
            } catch (NumberFormatException ignored) {
                // a malformed length is checked while streaming like a missing one
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long[] received = {0};
        response.handler((Buffer chunk) -> {
            if (finished.get()) {
                return;
            }
            received[0] += chunk.length();
            if (received[0] > maxBytes && truncate) {
                // keep the first maxBytes bytes and stop reading (RFC 9309: parse the first 500 KiB)
                finished.set(true);
                response.request().reset();
                body.write(chunk.getBytes(), 0, (int) (chunk.length() - (received[0] - maxBytes)));
                em.complete(new RawHop(uri, status, contentType, encoding, body.toByteArray(), maxBytes, retryAfter,
                        null));
                return;
            }
            if (received[0] > maxBytes) {
                finished.set(true);
                response.request().reset();
                em.fail(new FetchException(FetchFailure.TOO_LARGE, "body exceeds " + maxBytes + " bytes"));
                return;
            }
            body.write(chunk.getBytes(), 0, chunk.length());
        });
        response.exceptionHandler(t -> {
            if (finished.compareAndSet(false, true)) {
                em.fail(mapFailure(t));
            }
        });
        response.endHandler(v -> {
            if (finished.compareAndSet(false, true)) {
                em.complete(new RawHop(uri, status, contentType, encoding, body.toByteArray(), received[0], retryAfter,
                        null));
            }
        });
    }

    /** The absolute, canonical target of a redirect's Location (relative to the current URL). */
    static URI redirectTarget(URI base, String location) {
        String absolute = StringUtil.resolve(base.toString(), location.strip());
        return CanonicalUrl.of(absolute).map(u -> URI.create(u.url()))
                .orElseThrow(() -> new FetchException(FetchFailure.BAD_URL,
                        "redirect to a non-http(s) or malformed URL '" + location.strip() + "'"));
    }

    private Uni<FetchResponse> decode(RawHop raw, FetchRequest request, int redirects, long started) {
        return Uni.createFrom().item(() -> {
            byte[] body = raw.body().length == 0 ? raw.body()
                    : BodyDecoder.decode(raw.body(), raw.contentEncoding(), request.maxBytes(), request.truncate());
            Optional<Duration> retryAfter = RetryAfter.parse(raw.retryAfter(), clock.instant());
            return new FetchResponse(raw.uri().toString(), raw.status(), raw.contentType(), body, raw.wireBytes(),
                    Duration.ofNanos(System.nanoTime() - started), retryAfter, redirects);
        }).runSubscriptionOn(blocking);
    }

    static URI parse(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new FetchException(FetchFailure.BAD_URL, "only http and https URLs are fetched: " + url);
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null) {
                throw new FetchException(FetchFailure.BAD_URL, "not a fetchable URL: " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new FetchException(FetchFailure.BAD_URL, "malformed URL: " + url, e);
        }
    }

    private static String hostOf(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static String hostHeader(URI uri) {
        return uri.getHost();
    }

    private static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static FetchException mapFailure(Throwable t) {
        if (t instanceof FetchException fe) {
            return fe;
        }
        String type = t.getClass().getSimpleName();
        String message = t.getMessage() == null ? type : t.getMessage();
        if (t instanceof java.util.concurrent.TimeoutException || type.contains("Timeout")) {
            return new FetchException(FetchFailure.TIMEOUT, message, t);
        }
        return new FetchException(FetchFailure.CONNECTION, message, t);
    }

    private record RawHop(URI uri, int status, String contentType, String contentEncoding, byte[] body, long wireBytes,
            String retryAfter, URI redirect) {
        static RawHop redirect(URI target) {
            return new RawHop(null, 0, null, null, null, 0, null, target);
        }
    }

    private record HopResult(FetchResponse response, URI redirect) {
    }
}
