package dev.pokepedia.snapshotserver.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * One servable JSON body: the minified bytes as sent, its strong ETag (a quoted 128-bit prefix of the SHA-256 of
 * those bytes), and a gzip copy made on first demand and kept. The gzip representation has its own ETag (suffix
 * {@code -gzip}), as different content codings must not share a strong validator.
 */
public final class Resource {

    private final byte[] body;
    private final String etag;
    private volatile byte[] gzip;

    public Resource(byte[] body) {
        this.body = body;
        this.etag = etagOf(body);
    }

    public byte[] body() {
        return body;
    }

    public String etag() {
        return etag;
    }

    public String gzipEtag() {
        return gzipEtag(etag);
    }

    /** The gzip copy; computed once (two racing threads compute the same bytes, which is harmless). */
    public byte[] gzip() {
        byte[] g = gzip;
        if (g == null) {
            g = gzip(body);
            gzip = g;
        }
        return g;
    }

    /** Bytes held for the gzip copy so far (0 until first asked). */
    public long gzipBytes() {
        byte[] g = gzip;
        return g == null ? 0 : g.length;
    }

    public static String etagOf(byte[] bytes) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + HexFormat.of().formatHex(sha, 0, 16) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static String gzipEtag(String etag) {
        return etag.substring(0, etag.length() - 1) + "-gzip\"";
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 6));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
