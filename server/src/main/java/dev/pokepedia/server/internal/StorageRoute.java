package dev.pokepedia.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pokepedia.core.http.ConditionalRequests;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code GET /storage/v1/object/public/{bucket}/{path}} for the folder backend, shaped like Supabase Storage's public
 * URLs: content type by extension, {@code Range} (audio seeking), a strong ETag from the file's SHA-256 (cached by
 * size and modification time), long cache lifetime. Paths are checked segment by segment and the resolved file must
 * stay inside the bucket folder, also after following links.
 */
public final class StorageRoute {

    /** Objects may change when re-mirrored; a week of reuse, then a cheap revalidation by ETag. */
    static final String CACHE_CONTROL = "public, max-age=604800";
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("(?i)%(2f|5c|00)");
    private static final int MAX_PATH = 1024;

    private record HashKey(Path file, long size, long modifiedNanos) {}

    private final Path root;
    private final Path realRoot;
    private final java.util.Set<String> buckets;
    private final Cache<HashKey, String> hashes = Caffeine.newBuilder().maximumSize(200_000).build();

    /**
     * @param root    the folder backend's root, or null when storage is not a local folder
     * @param buckets the buckets served; other folders under the root are not (they are not the mirror's)
     */
    public StorageRoute(Path root, java.util.Set<String> buckets) {
        this.buckets = java.util.Set.copyOf(buckets);
        this.root = root == null ? null : root.toAbsolutePath().normalize();
        Path real = null;
        if (this.root != null) {
            try {
                real = this.root.toRealPath();
            } catch (IOException e) {
                real = this.root; // not created yet: nothing can be served, and nothing can escape it
            }
        }
        this.realRoot = real;
    }

    public void serve(Context ctx) throws IOException {
        String bucket = ctx.pathParam("bucket");
        String rawUri = ctx.req().getRequestURI();
        if (ENCODED_SEPARATOR.matcher(rawUri).find()) {
            throw ApiException.badRequest("Object paths may not contain encoded '/', '\\' or NUL characters");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw ApiException.badParameter("bucket", "Bucket names are lower-case letters, digits and '-': got '" + Text.clip(bucket) + "'");
        }
        String path = ctx.pathParam("path");
        checkPath(path);
        new Params(ctx, java.util.Set.of());
        if (root == null) {
            throw ApiException.notFound("This server has no folder storage; objects are served by the storage backend itself");
        }
        if (!buckets.contains(bucket)) {
            throw ApiException.notFound("No bucket '" + bucket + "' here; this server serves " + String.join(", ", new java.util.TreeSet<>(buckets)));
        }
        if (java.util.Arrays.stream(path.split("/")).anyMatch(seg -> seg.startsWith("."))) {
            throw ApiException.notFound("Object not found"); // why: hidden names are never objects (uploads in progress live there)
        }
        Path bucketDir = root.resolve(bucket);
        Path file = bucketDir.resolve(path).normalize();
        if (!file.startsWith(bucketDir) || file.equals(bucketDir)) {
            throw ApiException.badRequest("Object path leaves the bucket");
        }
        BasicFileAttributes attrs;
        Path real;
        try {
            real = file.toRealPath();
            attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("Object not found");
        }
        if (!real.startsWith(realRoot.resolve(bucket)) || !attrs.isRegularFile() || real.getFileName().toString().startsWith(".")) {
            throw ApiException.notFound("Object not found"); // a link out of the bucket, a folder, or an upload in progress
        }
        long size = attrs.size();
        String etag = "\"" + sha256(real, size, attrs.lastModifiedTime().toInstant()) + "\"";
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", CACHE_CONTROL);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Last-Modified", httpDate(attrs.lastModifiedTime().toInstant()));
        // why: an SVG served from this origin could run script; objects are data, never active content here
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
        if (ConditionalRequests.noneMatchHits(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        ctx.contentType(contentType(path));
        String ifRange = ctx.header("If-Range");
        ByteRange.Request want = ifRange != null && !ifRange.trim().equals(etag) ? new ByteRange.Whole()
                : ByteRange.parse(ctx.header("Range"), size);
        switch (want) {
            case ByteRange.Unsatisfiable u -> {
                ctx.header("Content-Range", "bytes */" + size);
                throw ApiException.rangeNotSatisfiable("Range " + Text.clip(ctx.header("Range")) + " is outside the object (" + size + " bytes)");
            }
            case ByteRange.Part p -> {
                ctx.status(206);
                ctx.header("Content-Range", p.range().contentRange(size));
                send(ctx, real, p.range().start(), p.range().length());
            }
            case ByteRange.Whole w -> send(ctx, real, 0, size);
        }
    }

    private static void checkPath(String path) {
        if (path.isEmpty() || path.length() > MAX_PATH) {
            throw ApiException.badRequest("Object path must be 1-" + MAX_PATH + " characters");
        }
        if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            throw ApiException.badRequest("Object paths are relative, with '/' between segments: got '" + Text.clip(path) + "'");
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.badRequest("Object path segment '" + Text.clip(seg) + "' is not allowed (no empty, '.' or '..' segments)");
            }
        }
    }

    private static void send(Context ctx, Path file, long start, long length) throws IOException {
        ctx.header("Content-Length", Long.toString(length));
        if (ctx.method().name().equals("HEAD")) {
            return;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(start);
        InputStream in = new BoundedStream(Channels.newInputStream(ch), length);
        ctx.result(in); // Javalin closes the stream when the response is written
    }

    private String sha256(Path file, long size, Instant modified) {
        HashKey key = new HashKey(file, size, modified.getEpochSecond() * 1_000_000_000L + modified.getNano());
        return hashes.get(key, k -> {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static String contentType(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        int dot = p.lastIndexOf('.');
        return switch (dot < 0 ? "" : p.substring(dot + 1)) {
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            case "jpg", "jpeg" -> "image/jpeg";
            case "webp" -> "image/webp";
            case "ogg", "oga" -> "audio/ogg";
            case "mp3" -> "audio/mpeg";
            case "wav" -> "audio/wav";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }

    private static String httpDate(Instant t) {
        return java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(java.time.ZoneOffset.UTC).withNano(0));
    }

    /** Reads at most {@code remaining} bytes of the wrapped stream. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
