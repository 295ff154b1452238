package dev.pokepedia.server.internal;

/**
 * One satisfiable byte range of a {@code Range} header (RFC 9110 §14): {@code bytes=a-b}, {@code bytes=a-},
 * {@code bytes=-n}. Several ranges, other units or malformed headers are ignored (the whole body is sent), which the
 * RFC allows; a well-formed range that starts past the end is unsatisfiable (416).
 */
public record ByteRange(long start, long endInclusive) {

    /** What a Range header asks for. */
    public sealed interface Request permits Whole, Part, Unsatisfiable {}

    public record Whole() implements Request {}

    public record Part(ByteRange range) implements Request {}

    public record Unsatisfiable() implements Request {}

    public long length() {
        return endInclusive - start + 1;
    }

    public String contentRange(long size) {
        return "bytes " + start + "-" + endInclusive + "/" + size;
    }

    public static Request parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = h.substring(6).trim();
        if (spec.contains(",")) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        try {
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return new Whole();
                }
                long n = Long.parseLong(last);
                if (n <= 0) {
                    return n == 0 ? new Unsatisfiable() : new Whole();
                }
                if (size == 0) {
                    return new Unsatisfiable();
                }
                return new Part(new ByteRange(Math.max(0, size - n), size - 1));
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Long.parseLong(last);
            if (start < 0 || (!last.isEmpty() && end < start)) {
                return new Whole(); // why: RFC 9110 — an invalid range is ignored, not refused
            }
            if (start >= size) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(start, Math.min(end, size - 1)));
        } catch (NumberFormatException e) {
            return new Whole();
        }
    }
}
