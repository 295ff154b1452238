package dev.pokepedia.snapshotserver.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.SnapshotFiles;
import dev.pokepedia.corpus.SnapshotPath;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.corpus.SourceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a snapshot once through corpus's {@link SnapshotFiles} (which classifies entries with {@link SnapshotPath})
 * and builds the {@link SnapshotIndex}: documents are rewritten (minified, absolute references) and hashed on a
 * small pool of threads while the reader keeps streaming; at most {@value #IN_FLIGHT_MB} MB of raw entries wait.
 */
public final class SnapshotLoader {

    private static final int IN_FLIGHT_MB = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Doc(Resource resource, String name) {}

    private record ListDoc(int count, List<byte[]> items, Map<String, String> names) {}

    private final JsonRewriter rewriter;
    private final HttpClient http;
    private final Map<DocumentId, Doc> docs = new ConcurrentHashMap<>();
    private final Map<String, ListDoc> lists = new ConcurrentHashMap<>();
    private final AtomicReference<Resource> rootBytes = new AtomicReference<>();
    private final AtomicReference<List<String>> rootOrder = new AtomicReference<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public SnapshotLoader(JsonRewriter rewriter, HttpClient http) {
        this.rewriter = rewriter;
        this.http = http;
    }

    public SnapshotIndex load(SnapshotSource source) throws InterruptedException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("snapshot-load-", 0).daemon().factory());
        Semaphore inFlight = new Semaphore(IN_FLIGHT_MB << 10);
        try {
            SnapshotFiles.read(http, source, kind -> !(kind instanceof SnapshotPath.Schema), new SnapshotFiles.Sink() {
                @Override
                public void entry(String path, SnapshotPath kind, byte[] bytes) throws InterruptedException {
                    int permits = Math.min(IN_FLIGHT_MB << 10, bytes.length / 1024 + 1);
                    inFlight.acquire(permits);
                    pool.execute(() -> {
                        try {
                            accept(path, kind, bytes);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        } finally {
                            inFlight.release(permits);
                        }
                    });
                }

                @Override
                public void problem(String path, String reason) {
                    problems.add(path + ": " + reason);
                }
            });
            pool.shutdown();
            if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("rewriting the snapshot's documents did not finish in 10 minutes");
            }
        } finally {
            pool.shutdownNow();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (docs.isEmpty()) {
            throw new SourceException(source.describe() + " holds no api-data documents (no data/api/v2/<endpoint>/<id>/index.json)",
                    "Point at a PokeAPI/api-data checkout, its data/api/v2 folder, or a .tar.gz of one", null);
        }
        return build();
    }

    private void accept(String path, SnapshotPath kind, byte[] bytes) {
        JsonRewriter.Result r;
        try {
            r = rewriter.rewrite(bytes);
        } catch (IOException e) {
            problems.add(path + ": skipped: not JSON (" + firstLine(e.getMessage()) + ")");
            return;
        }
        switch (kind) {
            case SnapshotPath.Document d -> docs.put(d.id(), new Doc(new Resource(r.bytes()), r.name()));
            case SnapshotPath.EndpointList l -> {
                ListDoc list = listDoc(l.endpoint(), r.bytes());
                if (list == null) {
                    problems.add(path + ": skipped: a list document needs a numeric \"count\" and a \"results\" array");
                } else {
                    lists.put(l.endpoint(), list);
                }
            }
            case SnapshotPath.RootIndex ignored -> {
                JsonNode tree = tree(r.bytes());
                if (tree instanceof ObjectNode o) {
                    List<String> order = new ArrayList<>();
                    o.fieldNames().forEachRemaining(order::add);
                    rootOrder.set(order);
                    rootBytes.set(new Resource(r.bytes()));
                } else {
                    problems.add(path + ": skipped: the root index is not a JSON object");
                }
            }
            default -> {
                // schemas are filtered out before reading; Unknown entries are reported by the reader
            }
        }
    }

    private ListDoc listDoc(String endpoint, byte[] rewritten) {
        JsonNode tree = tree(rewritten);
        if (!(tree instanceof ObjectNode) || !tree.path("count").canConvertToInt() || !tree.path("results").isArray()) {
            return null;
        }
        String prefix = rewriter.absolute(JsonRewriter.API_PREFIX + endpoint + "/");
        List<byte[]> items = new ArrayList<>(tree.get("results").size());
        Map<String, String> names = new HashMap<>();
        try {
            for (JsonNode item : tree.get("results")) {
                items.add(JSON.writeValueAsBytes(item));
                String url = item.path("url").asText("");
                String name = item.path("name").asText(null);
                if (name != null && url.startsWith(prefix)) {
                    String key = url.substring(prefix.length());
                    key = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
                    names.putIfAbsent(name.toLowerCase(Locale.ROOT), key);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ListDoc(tree.get("count").intValue(), List.copyOf(items), names);
    }

    private SnapshotIndex build() {
        Map<String, Map<String, Resource>> byType = new TreeMap<>();
        Map<String, Map<String, String>> docNames = new HashMap<>();
        Map<String, Resource> encounters = new HashMap<>();
        long bytes = 0;
        // why: sorted, so which of two documents claiming one name wins does not depend on thread timing
        for (var e : new TreeMap<>(docs).entrySet()) {
            DocumentId id = e.getKey();
            Resource res = e.getValue().resource();
            bytes += res.body().length;
            if (id.type().equals(DocumentId.ENCOUNTERS)) {
                encounters.put(id.key(), res);
                continue;
            }
            byType.computeIfAbsent(id.type(), t -> new HashMap<>()).put(id.key(), res);
            if (e.getValue().name() != null) {
                docNames.computeIfAbsent(id.type(), t -> new HashMap<>()).putIfAbsent(e.getValue().name().toLowerCase(Locale.ROOT), id.key());
            }
        }

        Set<String> names = new LinkedHashSet<>();
        if (rootOrder.get() != null) {
            names.addAll(rootOrder.get());
        }
        Set<String> rest = new TreeSet<>(byType.keySet());
        rest.addAll(lists.keySet());
        names.addAll(rest);

        Map<String, SnapshotIndex.Endpoint> endpoints = new LinkedHashMap<>();
        for (String name : names) {
            Map<String, Resource> documents = byType.getOrDefault(name, Map.of());
            ListDoc list = lists.get(name);
            Map<String, String> nameIndex = new HashMap<>();
            Resource single = null;
            List<byte[]> items;
            int count;
            if (list != null) {
                items = list.items();
                count = list.count();
                nameIndex.putAll(list.names());
            } else if (documents.size() == 1 && documents.containsKey(name)) {
                // why: meta is one document at /api/v2/meta/, not a list
                single = documents.get(name);
                items = List.of();
                count = 0;
            } else {
                items = derivedItems(name, documents.keySet(), docNames.getOrDefault(name, Map.of()));
                count = items.size();
            }
            docNames.getOrDefault(name, Map.of()).forEach(nameIndex::putIfAbsent);
            endpoints.put(name, new SnapshotIndex.Endpoint(name, Map.copyOf(documents), Map.copyOf(nameIndex), items, count, single));
        }

        Resource root = rootBytes.get();
        if (root == null) {
            ObjectNode o = JSON.createObjectNode();
            endpoints.keySet().forEach(n -> o.put(n, rewriter.absolute(JsonRewriter.API_PREFIX + n + "/")));
            root = new Resource(bytes(o));
        }
        bytes += root.body().length;

        String hash = null;
        String deployDate = null;
        Resource meta = byType.getOrDefault(DocumentId.META, Map.of()).get(DocumentId.META);
        if (meta != null && tree(meta.body()) instanceof ObjectNode m) {
            hash = m.path("hash").isTextual() ? m.get("hash").asText() : null;
            deployDate = m.path("deploy_date").isValueNode() && !m.get("deploy_date").isNull() ? m.get("deploy_date").asText() : null;
        }
        List<String> sortedProblems = new ArrayList<>(problems);
        Collections.sort(sortedProblems);
        return new SnapshotIndex(Collections.unmodifiableMap(endpoints), Map.copyOf(encounters), root, docs.size(), bytes,
                hash, deployDate, List.copyOf(sortedProblems));
    }

    /** A list for an endpoint whose list document is missing: its documents by id, with names where they have one. */
    private List<byte[]> derivedItems(String endpoint, Set<String> keys, Map<String, String> nameToKey) {
        Map<String, String> keyToName = new HashMap<>();
        nameToKey.forEach((n, k) -> keyToName.putIfAbsent(k, n));
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.comparing((String k) -> !isInt(k)).thenComparing(k -> isInt(k) ? Long.parseLong(k) : 0L)
                .thenComparing(Comparator.naturalOrder()));
        List<byte[]> items = new ArrayList<>(sorted.size());
        for (String k : sorted) {
            ObjectNode item = JSON.createObjectNode();
            if (keyToName.containsKey(k)) {
                item.put("name", keyToName.get(k));
            }
            item.put("url", rewriter.absolute(JsonRewriter.API_PREFIX + endpoint + "/" + k + "/"));
            items.add(bytes(item));
        }
        return List.copyOf(items);
    }

    private static boolean isInt(String s) {
        return s.matches("-?[0-9]{1,18}");
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
