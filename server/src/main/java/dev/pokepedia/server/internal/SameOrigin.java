package dev.pokepedia.server.internal;

import java.net.URI;
import java.util.Locale;

/**
 * Whether a request was sent by this server's own pages, from what browsers say about it: {@code Sec-Fetch-Site}
 * (sent by current browsers) and {@code Origin}. Our own origins are the server's base URL (the {@code --public-url}
 * when given) and the {@code Host} the request was sent to (the address the browser used). A request with neither
 * header is no browser's (curl, scripts); it still needs a session and its CSRF token.
 */
final class SameOrigin {

    sealed interface Verdict {
        /** Sent by one of our pages, or typed into the address bar. */
        record Own() implements Verdict {}

        /** No browser headers at all (curl, scripts). */
        record NotABrowser() implements Verdict {}

        /** Sent by another site; {@code evidence} is the header that says so. */
        record Foreign(String evidence) implements Verdict {}
    }

    private final String own;

    /** @param base the URL clients use for this server */
    SameOrigin(URI base) {
        this.own = origin(base);
    }

    /** The server's own origin, {@code scheme://host[:port]}. */
    String own() {
        return own;
    }

    Verdict check(String origin, String secFetchSite, String host) {
        if (secFetchSite != null) {
            switch (secFetchSite.trim().toLowerCase(Locale.ROOT)) {
                case "same-origin", "none" -> {
                    return new Verdict.Own();
                }
                case "cross-site", "same-site" -> {
                    return new Verdict.Foreign("Sec-Fetch-Site: " + secFetchSite.trim() + (origin == null ? "" : ", Origin " + origin));
                }
                default -> {
                    // a value this code does not know: decide by Origin
                }
            }
        }
        if (origin == null) {
            return new Verdict.NotABrowser();
        }
        URI u;
        try {
            u = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return new Verdict.Foreign("Origin " + origin);
        }
        if (u.getScheme() == null || u.getHost() == null) {
            return new Verdict.Foreign("Origin " + origin); // includes "null", sent by sandboxed and file pages
        }
        String theirs = origin(u);
        if (theirs.equals(own) || (host != null && authority(u).equals(hostAuthority(host)))) {
            return new Verdict.Own();
        }
        return new Verdict.Foreign("Origin " + origin);
    }

    private static String origin(URI u) {
        return u.getScheme().toLowerCase(Locale.ROOT) + "://" + authority(u);
    }

    /** host[:port] with the scheme's default port left out. */
    private static String authority(URI u) {
        int port = u.getPort();
        boolean dflt = port == -1 || (port == 80 && "http".equalsIgnoreCase(u.getScheme()))
                || (port == 443 && "https".equalsIgnoreCase(u.getScheme()));
        return u.getHost().toLowerCase(Locale.ROOT) + (dflt ? "" : ":" + port);
    }

    /** The Host header's host[:port], with :80 / :443 left out (browsers omit the default port of the scheme they use). */
    private static String hostAuthority(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(":80") || h.endsWith(":443") ? h.substring(0, h.lastIndexOf(':')) : h;
    }
}
