package dev.pokepedia.media.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Content type from a path's extension, and a check of the bytes against it (a ".png" that is an HTML page). */
public final class ContentTypes {

    private ContentTypes() {
    }

    public static String forPath(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".png")) {
            return "image/png";
        }
        if (p.endsWith(".gif")) {
            return "image/gif";
        }
        if (p.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (p.endsWith(".ogg")) {
            return "audio/ogg";
        }
        if (p.endsWith(".jpg") || p.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (p.endsWith(".webp")) {
            return "image/webp";
        }
        return "application/octet-stream";
    }

    /** Why the bytes are not what the path says, or null when they match (unknown types are not checked). */
    public static String mismatch(String path, byte[] b) {
        if (b.length == 0) {
            return "is a zero-byte file";
        }
        String type = forPath(path);
        boolean ok = switch (type) {
            case "image/png" -> starts(b, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            case "image/gif" -> starts(b, "GIF87a".getBytes(StandardCharsets.US_ASCII)) || starts(b, "GIF89a".getBytes(StandardCharsets.US_ASCII));
            case "audio/ogg" -> starts(b, "OggS".getBytes(StandardCharsets.US_ASCII));
            case "image/jpeg" -> b.length > 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
            case "image/svg+xml" -> head(b).contains("<svg");
            default -> true;
        };
        if (ok) {
            return null;
        }
        String h = head(b).toLowerCase(Locale.ROOT);
        String looks = h.contains("<html") || h.contains("<!doctype html") ? "an HTML page" : "something else";
        return "is not a " + type + " file (it looks like " + looks + ")";
    }

    private static boolean starts(byte[] b, byte[] magic) {
        return b.length >= magic.length && java.util.Arrays.equals(b, 0, magic.length, magic, 0, magic.length);
    }

    private static String head(byte[] b) {
        return new String(b, 0, Math.min(b.length, 1024), StandardCharsets.UTF_8);
    }
}
