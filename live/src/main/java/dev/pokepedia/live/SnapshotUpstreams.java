package dev.pokepedia.live;

import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.snapshotserver.ServerOptions;
import dev.pokepedia.snapshotserver.SnapshotServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshots (folder or .tar.gz) as upstream servers: each is loaded once per process into an in-process
 * {@link SnapshotServer} on a loopback port, so seeding and ingesting from a snapshot take exactly the HTTP path
 * (lists, ETags, URL rewriting) a live server takes.
 */
public final class SnapshotUpstreams implements AutoCloseable {

    private final Map<String, SnapshotServer> servers = new ConcurrentHashMap<>();

    /** scheme://host:port of the server for this snapshot, started on first use. */
    public String baseFor(String snapshotSpec) {
        SnapshotServer s = servers.computeIfAbsent(snapshotSpec,
                spec -> SnapshotServer.start(SnapshotSource.parse(spec), ServerOptions.defaults()));
        String b = s.baseUri().toString();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    @Override
    public void close() {
        servers.values().forEach(SnapshotServer::close);
        servers.clear();
    }
}
