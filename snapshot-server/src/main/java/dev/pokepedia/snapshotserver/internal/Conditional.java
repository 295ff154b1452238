package dev.pokepedia.snapshotserver.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Request-header logic of HTTP caching and content negotiation (RFC 9110), kept free of any server API. */
public final class Conditional {

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private Conditional() {
    }

    /** Whether {@code Accept-Encoding} allows gzip: a {@code gzip} (or {@code *}) coding whose q-value is not 0. */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean star = false;
        for (String part : acceptEncoding.split(",")) {
            String[] params = part.split(";");
            String coding = params[0].trim().toLowerCase(Locale.ROOT);
            boolean allowed = true;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        allowed = Double.parseDouble(p.substring(2).trim()) > 0;
                    } catch (NumberFormatException e) {
                        allowed = false;
                    }
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return allowed;
            }
            if (coding.equals("*")) {
                star = allowed;
            }
        }
        return star;
    }

    /**
     * Whether {@code If-None-Match} matches the current representation: {@code *}, or one of its entity tags equals
     * {@code etag} under the weak comparison RFC 9110 prescribes for this header ({@code W/} is ignored).
     */
    public static boolean noneMatchHits(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String header = ifNoneMatch.trim();
        if (header.equals("*")) {
            return true;
        }
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code If-Modified-Since} is a valid date not earlier than {@code lastModified} (whole seconds). */
    public static boolean notModifiedSince(String ifModifiedSince, Instant lastModified) {
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(ifModifiedSince.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return !lastModified.isAfter(since);
        } catch (DateTimeParseException e) {
            return false; // why: RFC 9110 says to ignore an invalid date
        }
    }

    /** An HTTP date (IMF-fixdate, two-digit day), e.g. {@code Tue, 05 Nov 1994 08:12:31 GMT}. */
    public static String httpDate(Instant t) {
        return IMF_FIXDATE.format(t.atZone(ZoneOffset.UTC));
    }
}
