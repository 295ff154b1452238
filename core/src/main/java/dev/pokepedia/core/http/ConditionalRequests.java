package dev.pokepedia.core.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Request-header rules of HTTP caching and content negotiation (RFC 9110), free of any server API: the one copy the
 * read API (server) and the snapshot server both answer conditional and gzip requests with.
 */
public final class ConditionalRequests {

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private ConditionalRequests() {
    }

    /** Whether {@code Accept-Encoding} allows gzip: a {@code gzip}/{@code x-gzip} (or {@code *}) coding with q > 0. */
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
     * Whether {@code If-None-Match} hits {@code etag}: {@code *}, or one of its entity tags equals {@code etag} under the
     * weak comparison RFC 9110 prescribes for this header ({@code W/} ignored on both sides). No etag: never a hit.
     */
    public static boolean noneMatchHits(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String header = ifNoneMatch.trim();
        if (header.equals("*")) {
            return true;
        }
        String mine = stripWeak(etag);
        for (String tag : header.split(",")) {
            if (stripWeak(tag.trim()).equals(mine)) {
                return true;
            }
        }
        return false;
    }

    private static String stripWeak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
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
