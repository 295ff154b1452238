package dev.pokepedia.snapshotserver.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * PokeAPI's list paging, as its production function computes it (PokeAPI/deploy, {@code functions_v1/src/index.js}):
 * {@code offset} defaults to 0 and {@code limit} to 20 (a missing, unparsable or zero value takes the default; the
 * number is read like JavaScript's {@code parseInt}, so {@code 5abc} is 5); the page is {@code results[offset,
 * offset+limit)}; {@code next} is {@code ?offset=offset+limit&limit=…} with its limit cut to what is left, or none
 * when nothing is left; {@code previous} starts at {@code max(0, offset-limit)} and ends at {@code offset}, or none
 * at offset 0. Unlike upstream, a negative offset counts as 0 and a negative limit as the default (upstream hands
 * them to {@code Array.slice}, whose negative indexes count from the end).
 */
public record Paging(int offset, int limit) {

    public static final int DEFAULT_LIMIT = 20;

    /** A page of a list, with its neighbours (null when there is none). */
    public record Page(int from, int to, Paging next, Paging previous) {}

    public static Paging fromQuery(String rawQuery) {
        Integer offset = null;
        Integer limit = null;
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                // why: like Express, the first occurrence of a parameter counts
                if (key.equals("offset") && offset == null) {
                    offset = parseInt(value);
                } else if (key.equals("limit") && limit == null) {
                    limit = parseInt(value);
                }
            }
        }
        int o = offset == null || offset < 0 ? 0 : offset;
        int l = limit == null || limit <= 0 ? DEFAULT_LIMIT : limit;
        return new Paging(o, l);
    }

    public Page page(int count, int available) {
        int from = Math.min(offset, available);
        int to = (int) Math.min((long) offset + limit, available);
        Paging next = null;
        long nextBegin = (long) offset + limit;
        long nextEnd = Math.min((long) offset + 2L * limit, count);
        if (nextEnd > nextBegin) {
            next = new Paging((int) nextBegin, (int) (nextEnd - nextBegin));
        }
        Paging previous = null;
        int prevBegin = Math.max(0, offset - limit);
        if (prevBegin < offset) {
            previous = new Paging(prevBegin, offset - prevBegin);
        }
        return new Page(from, Math.max(from, to), next, previous);
    }

    /** {@code ?offset=…&limit=…}, upstream's order. */
    public String query() {
        return "?offset=" + offset + "&limit=" + limit;
    }

    /** JavaScript's parseInt for base 10: optional whitespace and sign, then digits up to the first non-digit; null if none. */
    static Integer parseInt(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = Math.min(Integer.MAX_VALUE, v * 10 + (s.charAt(i) - '0'));
            i++;
            digits++;
        }
        if (digits == 0) {
            return null;
        }
        return (int) (negative ? -v : v);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
