package io.trawl.scrape.core.fetch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Undoes a {@code Content-Encoding} (gzip, deflate — what the fetcher advertises) with a cap on the
 * decompressed size: it stops inflating as soon as the output would pass the cap, so a small "zip bomb"
 * cannot allocate more than the cap. Blocking CPU work: run it off the event loop.
 */
public final class BodyDecoder {

    private BodyDecoder() {
    }

    public static byte[] decode(byte[] raw, String contentEncoding, long maxBytes) {
        return decode(raw, contentEncoding, maxBytes, false);
    }

    /**
     * As {@link #decode(byte[], String, long)}; with {@code truncate} the output is cut at {@code maxBytes}
     * instead of failing, and a compressed body that was itself cut short yields what inflated before its end.
     */
    public static byte[] decode(byte[] raw, String contentEncoding, long maxBytes, boolean truncate) {
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "", "identity":
                return truncate && raw.length > maxBytes ? java.util.Arrays.copyOf(raw, (int) maxBytes) : raw;
            case "gzip", "x-gzip":
                return inflate(raw, maxBytes, true, truncate);
            case "deflate":
                return inflateDeflate(raw, maxBytes, truncate);
            default:
                throw new FetchException(FetchFailure.BAD_ENCODING, "unsupported content encoding '" + contentEncoding + "'");
        }
    }

    private static byte[] inflateDeflate(byte[] raw, long maxBytes, boolean truncate) {
        // "deflate" is zlib-wrapped by the standard, raw DEFLATE by some servers: try both.
        try {
            return inflate(raw, maxBytes, false, truncate);
        } catch (FetchException e) {
            if (e.failure() == FetchFailure.TOO_LARGE) {
                throw e;
            }
            return readCapped(new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(true)), maxBytes,
                    truncate);
        }
    }

    private static byte[] inflate(byte[] raw, long maxBytes, boolean gzip, boolean truncate) {
        try {
            InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw))
                    : new InflaterInputStream(new ByteArrayInputStream(raw));
            return readCapped(in, maxBytes, truncate);
        } catch (IOException e) {
            throw new FetchException(FetchFailure.BAD_ENCODING, "corrupt compressed body: " + e.getMessage(), e);
        }
    }

    private static byte[] readCapped(InputStream in, long maxBytes, boolean truncate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (in) {
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes && truncate) {
                    out.write(buffer, 0, (int) (n - (total - maxBytes)));
                    return out.toByteArray();
                }
                if (total > maxBytes) {
                    throw new FetchException(FetchFailure.TOO_LARGE,
                            "decompressed body exceeds " + maxBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (java.io.EOFException e) {
            if (truncate && out.size() > 0) {
                return out.toByteArray(); // the compressed body was cut at the wire cap: keep what inflated
            }
            throw new FetchException(FetchFailure.BAD_ENCODING, "corrupt compressed body: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FetchException(FetchFailure.BAD_ENCODING, "corrupt compressed body: " + e.getMessage(), e);
        }
    }
}
