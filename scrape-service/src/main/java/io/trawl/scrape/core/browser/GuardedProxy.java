package io.trawl.scrape.core.browser;

import io.trawl.guard.AddressGuard;
import io.trawl.guard.BlockedAddressException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A forward HTTP proxy on loopback through which the browser makes every request: the only way out of it.
 * For each request (plain {@code GET http://...} or a {@code CONNECT host:port} tunnel for https and
 * WebSockets) it resolves the host itself, checks every address with the {@link AddressGuard}, and connects
 * to exactly the checked address (pinned: no second lookup). A refused destination gets {@code 403} with
 * {@value #BLOCKED_HEADER} and never sees a byte. The browser's own endpoints (this proxy, its DevTools port)
 * are refused whatever the allow-list says.
 * <p>
 * One request per client connection (the response is sent with {@code Connection: close}), so a kept-alive
 * connection can never carry a second request to a host that was not checked. Blocking I/O on its own
 * daemon threads; never on an event loop.
 */
public final class GuardedProxy implements Closeable {

    /** Response header of a refused request; its value says why. */
    public static final String BLOCKED_HEADER = "X-Trawl-Blocked";

    private static final int MAX_HEAD = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int IDLE_TIMEOUT_MS = 60_000;

    private final AddressGuard guard;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Integer> refusedLocalPorts = ConcurrentHashMap.newKeySet();
    private final AtomicLong blocked = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile boolean closed;

    private GuardedProxy(AddressGuard guard, ServerSocket server) {
        this.guard = guard;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "trawl-browser-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a proxy on 127.0.0.1 on a free port. */
    public static GuardedProxy start(AddressGuard guard) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        GuardedProxy proxy = new GuardedProxy(guard, server);
        proxy.refusedLocalPorts.add(server.getLocalPort());
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Refuse loopback destinations on {@code port} even when the allow-list admits loopback (DevTools). */
    public void refuseLocalPort(int port) {
        refusedLocalPorts.add(port);
    }

    /** Requests refused so far (for metrics and tests). */
    public long blockedCount() {
        return blocked.get();
    }

    /** Requests or tunnels let through so far. */
    public long forwardedCount() {
        return forwarded.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            } catch (RuntimeException e) {
                // a rejected execution during close
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(IDLE_TIMEOUT_MS);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            Head head = Head.read(in);
            if (head == null) {
                return;
            }
            if (head.method().equals("CONNECT")) {
                tunnel(head, in, out);
            } else {
                forward(head, in, out);
            }
        } catch (IOException | RuntimeException e) {
            // the browser or the server went away: nothing to report to anyone
        }
    }

    /** {@code CONNECT host:port}: https and wss. */
    private void tunnel(Head head, InputStream in, OutputStream out) throws IOException {
        String target = head.target();
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            refuse(out, 400, "bad CONNECT target");
            return;
        }
        String host = unbracket(target.substring(0, colon));
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException e) {
            refuse(out, 400, "bad CONNECT port");
            return;
        }
        Socket upstream = open(host, port, out);
        if (upstream == null) {
            return;
        }
        try (upstream) {
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            pipeBothWays(in, out, upstream);
        }
    }

    /** {@code GET http://host[:port]/path}: plain http (and ws upgrades the browser sends unproxied). */
    private void forward(Head head, InputStream in, OutputStream out) throws IOException {
        URI uri;
        try {
            uri = new URI(head.target());
        } catch (URISyntaxException e) {
            refuse(out, 400, "bad request target");
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("ws") || uri.getHost() == null) {
            refuse(out, 400, "only absolute http URLs are proxied");
            return;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Socket upstream = open(unbracket(uri.getHost()), port, out);
        if (upstream == null) {
            return;
        }
        try (upstream) {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            boolean upgrade = head.header("upgrade") != null;
            StringBuilder request = new StringBuilder()
                    .append(head.method()).append(' ').append(path).append(' ').append(head.version()).append("\r\n");
            for (String[] h : head.headers()) {
                String name = h[0].toLowerCase(Locale.ROOT);
                if (name.startsWith("proxy-") || !upgrade && (name.equals("connection") || name.equals("keep-alive"))) {
                    continue;
                }
                request.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            if (!upgrade) {
                request.append("Connection: close\r\n");
            }
            request.append("\r\n");
            OutputStream up = upstream.getOutputStream();
            up.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (upgrade) {
                up.flush();
                pipeBothWays(in, out, upstream);
                return;
            }
            long length = contentLength(head);
            if (length > 0) {
                copy(in, up, length);
            }
            up.flush();
            // Only the response goes back: the client's next bytes would be a request to an unchecked host.
            Head response = Head.read(upstream.getInputStream());
            if (response == null) {
                return;
            }
            StringBuilder back = new StringBuilder(response.method()).append(' ').append(response.target())
                    .append(response.version().isEmpty() ? "" : " " + response.version()).append("\r\n");
            for (String[] h : response.headers()) {
                String name = h[0].toLowerCase(Locale.ROOT);
                if (!name.equals("connection") && !name.equals("keep-alive") && !name.startsWith("proxy-")) {
                    back.append(h[0]).append(": ").append(h[1]).append("\r\n");
                }
            }
            back.append("Connection: close\r\n\r\n");
            out.write(back.toString().getBytes(StandardCharsets.ISO_8859_1));
            upstream.getInputStream().transferTo(out);
            out.flush();
        }
    }

    /** Resolves and checks {@code host}, then connects to the checked address; null (and a 403/502 sent) if not. */
    private Socket open(String host, int port, OutputStream out) throws IOException {
        InetAddress address;
        try {
            address = guard.resolve(host);
        } catch (BlockedAddressException e) {
            refuse(out, 403, e.getMessage());
            return null;
        } catch (UnknownHostException e) {
            refuse(out, 502, "cannot resolve host " + host);
            return null;
        }
        if (address.isLoopbackAddress() && refusedLocalPorts.contains(port)) {
            refuse(out, 403, "the browser's own endpoint " + host + ":" + port + " is never reachable");
            return null;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
            upstream.setSoTimeout(IDLE_TIMEOUT_MS);
        } catch (IOException e) {
            upstream.close();
            refuse(out, 502, "cannot connect to " + host + ":" + port);
            return null;
        }
        forwarded.incrementAndGet();
        return upstream;
    }

    private void refuse(OutputStream out, int status, String reason) throws IOException {
        if (status == 403) {
            blocked.incrementAndGet();
        }
        String clean = reason.replaceAll("[\\r\\n]", " ");
        String text = status + " " + (status == 403 ? "Forbidden" : status == 400 ? "Bad Request" : "Bad Gateway");
        // A body, so that the browser shows the response (with our header) instead of its own error page.
        byte[] body = ("<html><body>refused by the address guard: " + clean.replace("<", "&lt;") + "</body></html>")
                .getBytes(StandardCharsets.ISO_8859_1);
        out.write(("HTTP/1.1 " + text + "\r\n" + BLOCKED_HEADER + ": " + clean + "\r\nContent-Type: text/html\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private void pipeBothWays(InputStream clientIn, OutputStream clientOut, Socket upstream) throws IOException {
        InputStream upIn = upstream.getInputStream();
        OutputStream upOut = upstream.getOutputStream();
        threads.execute(() -> {
            try {
                upIn.transferTo(clientOut);
            } catch (IOException ignored) {
                // either side closed
            } finally {
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        });
        try {
            clientIn.transferTo(upOut);
        } catch (SocketException ignored) {
            // upstream closed
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static long contentLength(Head head) {
        String value = head.header("content-length");
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** A request or response head: the start line's three parts and the header lines. */
    record Head(String method, String target, String version, List<String[]> headers) {

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** Reads up to the blank line (at most {@value #MAX_HEAD} bytes); null at end of stream. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                bytes.write(b);
                if (bytes.size() > MAX_HEAD) {
                    throw new IOException("head too large");
                }
                matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] start = lines[0].split(" ", 3);
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.add(new String[] {lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip()});
                }
            }
            return new Head(start[0], start.length > 1 ? start[1] : "", start.length > 2 ? start[2] : "", headers);
        }
    }
}
