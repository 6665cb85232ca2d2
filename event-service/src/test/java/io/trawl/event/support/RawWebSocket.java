package io.trawl.event.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A minimal RFC 6455 client on a plain socket, for the one thing a framework client cannot do: stop reading
 * for real. Its receive buffer is tiny, so once it stops reading the server's writes stall on TCP flow control.
 * Reads text messages (reassembling fragments), skips pings, reports the close code.
 */
public final class RawWebSocket implements Closeable {

    private final Socket socket;
    private final DataInputStream in;
    private int closeCode = -1;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    public static RawWebSocket open(String host, int port, String pathAndQuery, String apiKey, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(30_000);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + apiKey + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawWebSocket ws = new RawWebSocket(socket);
        String status = ws.readHeaders();
        if (!status.contains(" 101 ")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        return ws;
    }

    private String readHeaders() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake");
            }
            head.append((char) b);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    /** The next text message, or null when the server closed (see {@link #closeCode()}). */
    public String next() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = b0 & 0x0F;
            boolean fin = (b0 & 0x80) != 0;
            switch (opcode) {
                case 0x8 -> {
                    closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    return null;
                }
                case 0x9, 0xA -> {
                    continue;
                }
                default -> message.write(payload);
            }
            if (fin) {
                return message.toString(StandardCharsets.UTF_8);
            }
        }
    }

    public int closeCode() {
        return closeCode;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
