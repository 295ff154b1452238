package dev.pokepedia.core;

import java.net.URI;

/**
 * The checks every HTTP server of ours makes on where it listens and the address it tells clients, with the same
 * messages and hints (the option names are the CLI's).
 */
public final class ListenAddress {

    private ListenAddress() {
    }

    /**
     * @param host      address to bind; not blank
     * @param port      0-65535 (0 = a free port)
     * @param publicUrl null, or {@code http(s)://host[:port]} without path, query or fragment
     */
    public static void check(String host, int port, URI publicUrl) {
        if (host == null || host.isBlank()) {
            throw new ConfigurationException("--host must not be empty", "Give an address to bind, e.g. 127.0.0.1 or 0.0.0.0");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigurationException("--port " + port + " is out of range", "Give 1-65535, or 0 for a free port");
        }
        if (publicUrl != null && !isOrigin(publicUrl)) {
            throw new ConfigurationException("--public-url " + publicUrl + " is not of the form http(s)://host[:port]",
                    "Give the scheme, host and port clients use to reach this server, without a path");
        }
    }

    private static boolean isOrigin(URI u) {
        String path = u.getRawPath();
        return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                && (path == null || path.isEmpty() || path.equals("/")) && u.getRawQuery() == null && u.getRawFragment() == null;
    }
}
