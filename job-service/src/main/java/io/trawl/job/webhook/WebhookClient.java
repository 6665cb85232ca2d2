package io.trawl.job.webhook;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.trawl.guard.AddressGuard;
import io.trawl.guard.BlockedAddressException;
import io.trawl.support.ServerContexts;
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
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs one webhook with the Vert.x core HTTP client (non-blocking). The host is resolved once through the
 * {@link AddressGuard} (off the event loop) and the connection goes to that checked address, while the Host
 * header and TLS SNI carry the name: no second lookup can be rebound. Redirects are not followed (a 3xx is a
 * failed attempt). The whole exchange has one deadline — connect, send, status, the bounded body — after
 * which the connection is reset, so a slow receiver holds nothing past it. At most
 * {@code maxResponseBytes} of the body are kept (for the attempt's error text).
 */
public class WebhookClient {

    /** What one POST came to: a status (0 when none arrived), the receiver's Retry-After, or an error. */
    public record Response(int status, Optional<String> retryAfter, String body, String error) {
        boolean success() {
            return status >= 200 && status < 300;
        }
    }

    private final ServerContexts contexts;
    private final HttpClient client;
    private final AddressGuard guard;
    private final Duration timeout;
    private final int maxResponseBytes;

    public WebhookClient(Vertx vertx, AddressGuard guard, Duration timeout, int maxResponseBytes) {
        this.contexts = ServerContexts.of(vertx);
        this.guard = guard;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setForceSni(true)
                        .setVerifyHost(true)
                        .setMaxHeaderSize(16 * 1024)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())),
                new PoolOptions().setHttp1MaxSize(8));
    }

    public AddressGuard guard() {
        return guard;
    }

    /** Resolves and checks {@code host} off the event loop. */
    public Uni<InetAddress> resolve(String host) {
        return Uni.createFrom().item(() -> {
            try {
                return guard.resolve(host);
            } catch (BlockedAddressException e) {
                throw new TargetRefusedException(e.getMessage());
            } catch (UnknownHostException e) {
                throw new TargetRefusedException("cannot resolve host " + host);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public Uni<Response> post(URI url, Map<String, String> headers, byte[] body) {
        String host = host(url);
        return resolve(host)
                .chain(address -> Uni.createFrom().<Response>emitter(em -> send(url, address, headers, body, em)))
                .ifNoItem().after(timeout).recoverWithItem(() -> failure("no response within " + timeout.toMillis() + " ms"))
                .onFailure(TargetRefusedException.class).recoverWithItem(e -> failure("refused: " + e.getMessage()))
                .onFailure().recoverWithItem(e -> failure(describe(e)));
    }

    public void close() {
        client.close();
    }

    private void send(URI url, InetAddress address, Map<String, String> headers, byte[] body,
            UniEmitter<? super Response> em) {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host(url))
                .setPort(port)
                .setSsl(https)
                .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setFollowRedirects(false)
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis());
        headers.forEach(ro::putHeader);
        if (url.getPort() > 0 && url.getPort() != (https ? 443 : 80)) {
            ro.putHeader("Host", url.getHost() + ":" + port);
        }
        AtomicReference<HttpClientRequest> current = new AtomicReference<>();
        AtomicBoolean finished = new AtomicBoolean();
        em.onTermination(() -> {
            HttpClientRequest req = current.get();
            if (req != null && finished.compareAndSet(false, true)) {
                req.reset(); // timed out or cancelled: drop the connection
            }
        });
        // from the receiver's own context, so the resets below cannot close a connection another delivery was lent
        contexts.forServer(address, port).runOnContext(v -> client.request(ro)
                .compose(req -> {
                    current.set(req);
                    return req.send(Buffer.buffer(body));
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        if (finished.compareAndSet(false, true)) {
                            em.complete(failure(describe(ar.cause())));
                        }
                        return;
                    }
                    read(ar.result(), em, finished);
                }));
    }

    private void read(HttpClientResponse response, UniEmitter<? super Response> em, AtomicBoolean finished) {
        int status = response.statusCode();
        Optional<String> retryAfter = Optional.ofNullable(response.getHeader("Retry-After"));
        Buffer kept = Buffer.buffer();
        response.handler(chunk -> {
            if (finished.get()) {
                return;
            }
            int room = maxResponseBytes - kept.length();
            kept.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, Math.max(0, room)));
            if (kept.length() >= maxResponseBytes && finished.compareAndSet(false, true)) {
                response.request().reset(); // enough read: the rest is not our business
                em.complete(new Response(status, retryAfter, text(kept), null));
            }
        });
        response.exceptionHandler(t -> {
            if (finished.compareAndSet(false, true)) {
                em.complete(new Response(status, retryAfter, text(kept), null));
            }
        });
        response.endHandler(v -> {
            if (finished.compareAndSet(false, true)) {
                em.complete(new Response(status, retryAfter, text(kept), null));
            }
        });
    }

    private static String text(Buffer buffer) {
        return new String(buffer.getBytes(), StandardCharsets.UTF_8);
    }

    private static Response failure(String error) {
        return new Response(0, Optional.empty(), "", error);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    static String host(URI url) {
        String host = url.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The guard refused the target, or its name does not resolve. */
    public static class TargetRefusedException extends RuntimeException {
        public TargetRefusedException(String message) {
            super(message);
        }
    }
}
