package dev.pokepedia.server.internal;

import java.util.Locale;

/** Request-header rules of caching and content negotiation (RFC 9110), free of any server API. */
public final class HttpCaching {

    private HttpCaching() {
    }

    /** Whether {@code Accept-Encoding} allows gzip: a {@code gzip}/{@code x-gzip} (or {@code *}) coding with q > 0. */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean star = null;
        for (String part : acceptEncoding.split(",")) {
            String[] params = part.split(";");
            String coding = params[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return q > 0;
            }
            if (coding.equals("*")) {
                star = q > 0;
            }
        }
        return star != null && star;
    }

    /** {@code If-None-Match} hits {@code etag}: {@code *} or any listed tag under weak comparison ({@code W/} ignored). */
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
}
