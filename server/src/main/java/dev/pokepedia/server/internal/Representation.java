package dev.pokepedia.server.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * One response body with its strong ETag (first 128 bits of the SHA-256 of the bytes sent) and, made on first demand
 * and kept, its gzip form with its own tag. Immutable apart from that memo; safe to share between threads and to
 * keep in a cache.
 */
public final class Representation {

    /** Smaller bodies are not worth compressing (one TCP segment either way). */
    static final int GZIP_MIN_BYTES = 1024;

    private final byte[] body;
    private final String contentType;
    private final String etag;
    private volatile byte[] gzip;

    public Representation(byte[] body, String contentType) {
        this.body = body;
        this.contentType = contentType;
        this.etag = "\"" + hash128(body) + "\"";
    }

    public static Representation json(byte[] body) {
        return new Representation(body, "application/json; charset=utf-8");
    }

    public byte[] body() {
        return body;
    }

    public String contentType() {
        return contentType;
    }

    public String etag() {
        return etag;
    }

    /** The tag of the gzip form: a different representation needs a different strong tag. */
    public String gzipEtag() {
        return etag.substring(0, etag.length() - 1) + "-gzip\"";
    }

    public boolean worthGzip() {
        return body.length >= GZIP_MIN_BYTES;
    }

    public byte[] gzip() {
        byte[] g = gzip;
        if (g == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 6));
            try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
                z.write(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            g = out.toByteArray();
            gzip = g; // why: a benign race — two threads may both compress once; the results are equal
        }
        return g;
    }

    /** Approximate heap held, for the cache's weigher. */
    public int weight() {
        byte[] g = gzip;
        return 96 + body.length + (g == null ? body.length / 8 : g.length);
    }

    static String hash128(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
