package dev.pokepedia.server.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The address of the client a request came from, for the login throttle. A reverse proxy on this machine (the usual
 * way to serve under {@code --public-url}) connects from loopback and names the client in {@code X-Forwarded-For};
 * the entry it added is the last one (anything before it is what the client claimed). From any other peer the header
 * is ignored, since a client could write anything there.
 */
final class ClientAddress {

    private static final Pattern LITERAL = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

    private ClientAddress() {
    }

    static String of(String peer, String forwardedFor) {
        if (forwardedFor == null || !loopback(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String last = hops[hops.length - 1].trim();
        return literal(last) != null ? last : peer;
    }

    private static boolean loopback(String peer) {
        InetAddress a = literal(peer);
        return a != null && a.isLoopbackAddress();
    }

    /** The address written as {@code s}, or null when it is no IP literal (never a name lookup). */
    private static InetAddress literal(String s) {
        if (s == null) {
            return null;
        }
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (!LITERAL.matcher(t).matches() || (t.indexOf(':') < 0 && !t.matches("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$"))) {
            return null;
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
