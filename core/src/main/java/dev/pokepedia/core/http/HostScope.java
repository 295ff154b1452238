package dev.pokepedia.core.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a host is somebody else's server, to which a rate limit is owed, or one of our own: loopback, a private
 * network (RFC 1918 10/8, 172.16/12, 192.168/16; RFC 4193 fc00::/7; the deprecated fec0::/10), link-local
 * (169.254/16, fe80::/10), the unspecified address, or a name under {@code localhost} (RFC 6761: always loopback).
 *
 * <p>A name counts as local only when <em>every</em> address it resolves to is local; a name that resolves to any
 * public address, or does not resolve at all, counts as public. why: the rate limit is the polite default, so when in
 * doubt it applies; a split-horizon name that points at a private mirror still gets the full speed, which is what a
 * self-hosted mirror behind a private DNS name wants.
 */
public final class HostScope {

    /** Turns a host name into addresses; {@link #SYSTEM} asks the operating system's resolver. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = InetAddress::getAllByName;
    }

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private HostScope() {
    }

    /**
     * True for a loopback, private or link-local host (an IP literal, possibly in brackets, or a name).
     * Blocks for a DNS lookup when {@code host} is a name other than {@code localhost}.
     */
    public static boolean isLocal(String host, Resolver resolver) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        try {
            if (h.contains(":") || IPV4_LITERAL.matcher(h).matches()) {
                // why getByName: for a literal it only parses, it never asks DNS
                return isLocal(InetAddress.getByName(h));
            }
            InetAddress[] addresses = resolver.resolve(h);
            if (addresses == null || addresses.length == 0) {
                return false;
            }
            for (InetAddress a : addresses) {
                if (!isLocal(a)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | SecurityException e) {
            return false; // why: unknown means public here (the limit applies); the request itself reports the failure
        }
    }

    /** True for loopback, private (RFC 1918, RFC 4193), link-local and unspecified addresses. */
    public static boolean isLocal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        // why by hand: the JDK knows only the deprecated fec0::/10 as IPv6 site-local, not unique local fc00::/7
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xFE) == 0xFC;
    }
}
