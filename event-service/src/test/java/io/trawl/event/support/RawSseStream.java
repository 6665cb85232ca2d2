package io.trawl.event.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An SSE client on a plain socket (HTTP/1.1, chunked), for a test that must stop reading for real: its receive
 * buffer is tiny, so once it stops reading the server's writes stall on TCP flow control. Counts comment lines
 * (heartbeats) and parses events.
 */
public final class RawSseStream implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private int chunkLeft;
    private boolean ended;
    private int comments;

    private RawSseStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    public static RawSseStream open(String host, int port, String pathAndQuery, String apiKey, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + "Accept: text/event-stream\r\nAuthorization: Bearer " + apiKey + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawSseStream stream = new RawSseStream(socket);
        String head = stream.rawLine();
        if (!head.contains(" 200 ")) {
            socket.close();
            throw new IOException("not a stream: " + head);
        }
        boolean chunked = false;
        for (String header = stream.rawLine(); !header.isEmpty(); header = stream.rawLine()) {
            chunked |= header.toLowerCase().startsWith("transfer-encoding:") && header.toLowerCase().contains("chunked");
        }
        if (!chunked) {
            socket.close();
            throw new IOException("expected a chunked response");
        }
        return stream;
    }

    /** The next event, or null at the end of the stream. */
    public SseClient.Event next() throws IOException {
        String id = null;
        String name = null;
        StringBuilder data = null;
        while (true) {
            String line = line();
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new SseClient.Event(id, name, data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                comments++;
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String part = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                data = data == null ? new StringBuilder(part) : data.append('\n').append(part);
            }
        }
    }

    public int comments() {
        return comments;
    }

    /** A line of the de-chunked body, or null at its end. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = body();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    private int body() throws IOException {
        if (ended) {
            return -1;
        }
        if (chunkLeft == 0) {
            String size = rawLine();
            if (size.isEmpty()) {
                size = rawLine(); // the CRLF that ends the previous chunk
            }
            chunkLeft = Integer.parseInt(size.split(";")[0].strip(), 16);
            if (chunkLeft == 0) {
                ended = true;
                return -1;
            }
        }
        int b = in.read();
        if (b < 0) {
            ended = true;
            return -1;
        }
        chunkLeft--;
        return b;
    }

    /** A CRLF-terminated line of the raw stream (headers, chunk sizes). */
    private String rawLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
