package io.trawl.e2e;

import io.trawl.e2e.client.TrawlApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests the JDK client refuses to send (a target with an invalid
 * percent-escape such as {@code ?status=%zz} is not a valid {@link URI}).
 */
final class RawHttp {

    private RawHttp() {
    }

    static TrawlApi.Response send(String method, String url, String body, String apiKey) {
        int schemeEnd = url.indexOf("://");
        int pathStart = url.indexOf('/', schemeEnd + 3);
        String authority = url.substring(schemeEnd + 3, pathStart);
        String target = url.substring(pathStart);
        String host = authority.substring(0, authority.indexOf(':'));
        int port = Integer.parseInt(authority.substring(authority.indexOf(':') + 1));
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + target + " HTTP/1.1\r\nHost: " + authority + "\r\nAuthorization: Bearer " + apiKey
                + "\r\nAccept: */*\r\nConnection: close\r\n" + (body == null ? "" : "Content-Type: application/json\r\n"
                + "Content-Length: " + payload.length + "\r\n") + "\r\n";
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(payload);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String contentType = null;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    String name = lines[i].substring(0, colon).trim();
                    String value = lines[i].substring(colon + 1).trim();
                    headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                    if (name.equalsIgnoreCase("Content-Type")) {
                        contentType = value;
                    }
                }
            }
            return new TrawlApi.Response(status, contentType, headers, end < 0 ? "" : text.substring(end + 4));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e, e);
        }
    }
}
