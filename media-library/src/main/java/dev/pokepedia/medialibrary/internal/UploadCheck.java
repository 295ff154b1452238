package dev.pokepedia.medialibrary.internal;

import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.UploadRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Refuses an upload whose bytes are not what its name or content type claims, or that is too large. */
public final class UploadCheck {

    private UploadCheck() {
    }

    public static void check(UploadRequest r, long maxBytes) {
        String id = r.ref().publicId();
        if (r.content().length == 0) {
            throw refuse(id + " is empty");
        }
        if (r.content().length > maxBytes) {
            throw refuse(id + " is " + r.content().length + " bytes, over the limit of " + maxBytes);
        }
        String claimed = claimed(id, r.contentType());
        if (claimed == null) {
            return; // why: other kinds (video, raw) are the provider's to judge
        }
        String actual = sniff(r.content());
        if (!claimed.equals(actual)) {
            throw refuse(id + " claims to be " + claimed + " but its bytes are " + (actual == null ? "not an image" : actual));
        }
    }

    private static String claimed(String publicId, String contentType) {
        String ext = publicId.contains(".") ? publicId.substring(publicId.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        String byExt = switch (ext) {
            case "png" -> "png";
            case "jpg", "jpeg" -> "jpeg";
            case "gif" -> "gif";
            case "webp" -> "webp";
            case "svg" -> "svg";
            default -> null;
        };
        if (byExt != null) {
            return byExt;
        }
        if (contentType == null) {
            return null;
        }
        return switch (contentType.toLowerCase(Locale.ROOT)) {
            case "image/png" -> "png";
            case "image/jpeg" -> "jpeg";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            case "image/svg+xml" -> "svg";
            default -> null;
        };
    }

    /** {@code png}, {@code jpeg}, {@code gif}, {@code webp} or {@code svg} by the bytes' own magic, else null. */
    public static String sniff(byte[] b) {
        if (starts(b, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a})) {
            return "png";
        }
        if (starts(b, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})) {
            return "jpeg";
        }
        if (starts(b, "GIF87a".getBytes(StandardCharsets.US_ASCII)) || starts(b, "GIF89a".getBytes(StandardCharsets.US_ASCII))) {
            return "gif";
        }
        if (b.length >= 12 && starts(b, "RIFF".getBytes(StandardCharsets.US_ASCII))
                && new String(b, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
            return "webp";
        }
        String head = new String(b, 0, Math.min(b.length, 512), StandardCharsets.UTF_8).stripLeading();
        if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.contains("<svg"))) {
            return "svg";
        }
        return null;
    }

    private static boolean starts(byte[] b, byte[] magic) {
        return b.length >= magic.length && java.util.Arrays.equals(b, 0, magic.length, magic, 0, magic.length);
    }

    private static ProviderException refuse(String why) {
        return new ProviderException(ProviderException.Kind.REJECTED, "upload refused: " + why,
                "send the file with its real extension and content type", null);
    }
}
