package dev.pokepedia.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.DocumentStore;
import dev.pokepedia.queue.Queues;
import java.io.IOException;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Discovers every document of a PokeAPI-compatible server (root index → each endpoint's list fetched with
 * {@code ?limit=<count>} → every resource, plus each {@code pokemon/<id>/encounters}) and enqueues one
 * {@code pokepedia_ingest} message per document. Documents we store that an endpoint no longer lists are enqueued
 * too: the worker's 404 tombstones them. A document already waiting in the queue is not enqueued again.
 */
public final class Seeder {

    /** What a seed did, per endpoint: documents listed, messages sent (the rest were already waiting). */
    public record Report(String source, Map<String, Counts> perType) {
        public long listed() {
            return perType.values().stream().mapToLong(Counts::listed).sum();
        }

        public long enqueued() {
            return perType.values().stream().mapToLong(Counts::enqueued).sum();
        }
    }

    /** One endpoint's seed: documents listed upstream, messages sent (the rest were already waiting). */
    public record Counts(long listed, long enqueued) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1000;

    private final UpstreamClient upstream;
    private final Queues queues;
    private final DocumentStore store;
    private final Database database;
    private final SnapshotUpstreams snapshots;

    public Seeder(UpstreamClient upstream, Queues queues, DocumentStore store, Database database, SnapshotUpstreams snapshots) {
        this.upstream = upstream;
        this.queues = queues;
        this.store = store;
        this.database = database;
        this.snapshots = snapshots;
    }

    /**
     * @param from  a server base URL (with or without {@code /api/v2}) or a snapshot folder / .tar.gz
     * @param types endpoints to seed; empty = all the server lists
     */
    public Report seed(String from, Set<String> types) throws InterruptedException {
        boolean http = from.startsWith("http://") || from.startsWith("https://");
        String snapshot = http ? null : java.nio.file.Path.of(from).toAbsolutePath().normalize().toString();
        String base = http ? baseOf(from) : snapshots.baseFor(snapshot);
        JsonNode root = fetchJson(URI.create(base + "/api/v2/"));
        Map<String, String> endpoints = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> endpoints.put(e.getKey(), e.getValue().asText()));
        if (!types.isEmpty()) {
            Set<String> unknown = new TreeSet<>(types);
            unknown.removeAll(endpoints.keySet());
            if (!unknown.isEmpty()) {
                throw new ConfigurationException("Unknown type(s) " + unknown + " for " + from,
                        "Choose from: " + String.join(", ", new TreeSet<>(endpoints.keySet())));
            }
            endpoints.keySet().retainAll(types);
        }
        Map<String, Counts> perType = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (var e : endpoints.entrySet()) {
            String type = e.getKey();
            URI list = URI.create(absolute(base, e.getValue()));
            JsonNode first = fetchJson(withQuery(list, "limit=1"));
            int count = first.path("count").asInt(-1);
            if (count < 0) {
                // why: a singleton document (meta) is listed in the root index like an endpoint but is no list
                String path = list.getPath().endsWith("/") ? list.getPath() : list.getPath() + "/";
                if (!first.isObject() || LiveQueues.documentAt(path) == null) {
                    throw new UpstreamException(list + " is neither a PokeAPI list (no 'count') nor a known document", false, null, null);
                }
                perType.put(type, new Counts(1, enqueue(List.of(path), base, snapshot)));
                continue;
            }
            counts.put(type, count);
            Set<String> paths = new LinkedHashSet<>();
            if (count > 0) {
                for (JsonNode r : fetchJson(withQuery(list, "limit=" + count + "&offset=0")).path("results")) {
                    String url = r.path("url").asText("");
                    String path = url.startsWith(base) ? url.substring(base.length()) : URI.create(url).getPath();
                    DocumentId id = DocumentId.fromReference(path);
                    if (id != null) {
                        paths.add(id.apiPath());
                        if (type.equals("pokemon")) {
                            paths.add(new DocumentId(DocumentId.ENCOUNTERS, id.key()).apiPath());
                        }
                    }
                }
            }
            long listed = paths.size();
            for (String gone : storedNotListed(type, paths)) {
                paths.add(gone);
            }
            long sent = enqueue(new ArrayList<>(paths), base, snapshot);
            perType.put(type, new Counts(listed, sent));
        }
        store.saveEndpointCounts(counts, http ? base : snapshot);
        return new Report(http ? base : snapshot, perType);
    }

    private long enqueue(List<String> paths, String base, String snapshot) {
        long sent = 0;
        for (int i = 0; i < paths.size(); i += BATCH) {
            List<String> bodies = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (String p : paths.subList(i, Math.min(paths.size(), i + BATCH))) {
                bodies.add(LiveQueues.ingestBody(p, base, snapshot));
                keys.add(LiveQueues.documentAt(p).toString());
            }
            sent += queues.sendUnique(LiveQueues.INGEST, bodies, keys).size();
        }
        return sent;
    }

    /** Paths of live stored documents of this endpoint (and its encounters) that the list did not mention. */
    private List<String> storedNotListed(String type, Set<String> listed) {
        List<String> out = new ArrayList<>();
        return database.withConnection("listing stored documents the upstream no longer lists", c -> {
            try (PreparedStatement ps = c.prepareStatement( "SELECT resource_type, resource_key FROM pokeapi_resources WHERE resource_type IN (?, ?) AND deleted_at IS NULL")) {
                ps.setString(1, type);
                ps.setString(2, type.equals("pokemon") ? DocumentId.ENCOUNTERS : type);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String p = new DocumentId(rs.getString(1), rs.getString(2)).apiPath();
                        if (!listed.contains(p)) {
                            out.add(p);
                        }
                    }
                }
                return out;
            }
        });
    }

    private JsonNode fetchJson(URI uri) throws InterruptedException {
        if (!(upstream.get(uri, null, null) instanceof UpstreamClient.Answer.Document d)) {
            throw new UpstreamException(uri + " is not there (404)", false, null, null);
        }
        try {
            return JSON.readTree(d.body());
        } catch (IOException e) {
            throw new UpstreamException(uri + " answered malformed JSON: " + e.getMessage(), true, null, e);
        }
    }

    /** scheme://host[:port] of a server URL given with or without a path such as /api/v2/. */
    static String baseOf(String url) {
        URI u = URI.create(url.trim());
        if (u.getHost() == null) {
            throw new ConfigurationException("'" + url + "' is not a server URL", "Give e.g. https://pokeapi.co or http://127.0.0.1:8080");
        }
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private static String absolute(String base, String url) {
        return url.startsWith("/") ? base + url : url;
    }

    private static URI withQuery(URI list, String query) {
        String s = list.toString();
        int q = s.indexOf('?');
        return URI.create((q < 0 ? s : s.substring(0, q)) + "?" + query);
    }
}
