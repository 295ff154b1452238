package dev.pokepedia.server.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rendered documents (with their gzip form), each endpoint's ordered key/name index and the endpoint set, held in
 * memory and dropped the moment the change feed says they changed.
 *
 * <p>Never stale: every invalidation takes a new sequence number; a loader notes {@link #mark()} before it reads the
 * database and {@code put}s with that mark; a value whose key was invalidated after the mark is refused (it may have
 * been read before the change). Memory is bounded: documents beyond the budget are not kept (they are served from
 * the database).
 */
public final class DocumentMemory {

    record Key(String type, String key) {}

    /** An endpoint's live documents in list order, with the first key of each name. */
    record TypeIndex(List<ResourceStore.Item> items, Map<String, String> keyByName, Set<String> keys,
                     Map<String, Representation> pages) {
        static TypeIndex of(List<ResourceStore.Item> items) {
            Map<String, String> byName = new java.util.HashMap<>();
            Set<String> keys = new java.util.HashSet<>(items.size() * 2);
            for (ResourceStore.Item i : items) {
                keys.add(i.key());
                if (i.name() != null) {
                    byName.putIfAbsent(i.name(), i.key()); // why: first in list order, as the SQL's ORDER BY key LIMIT 1
                }
            }
            return new TypeIndex(List.copyOf(items), Map.copyOf(byName), Set.copyOf(keys), new ConcurrentHashMap<>());
        }
    }

    private record Loaded(Representation representation, long weight) {}

    private record Invalid(long at) {}

    static final int MAX_CACHED_PAGES = 256;

    private final long budgetBytes;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<Key, Object> documents = new ConcurrentHashMap<>();
    private final Map<String, Object> types = new ConcurrentHashMap<>();
    private volatile long clearedAt;
    private volatile long endpointsInvalidAt;
    private volatile Set<String> endpoints;

    public DocumentMemory(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The sequence number a loader notes before reading the database. */
    public long mark() {
        return seq.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public int documentCount() {
        return (int) documents.values().stream().filter(v -> v instanceof Loaded).count();
    }

    public Representation document(String type, String key) {
        return documents.get(new Key(type, key)) instanceof Loaded l ? l.representation() : null;
    }

    public TypeIndex index(String type) {
        return types.get(type) instanceof TypeIndex t ? t : null;
    }

    public Set<String> endpoints() {
        return endpoints;
    }

    /** Keeps a document read at {@code mark} unless it changed since, or it does not fit the budget. */
    public void put(String type, String key, Representation r, long mark) {
        long w = r.weight();
        documents.compute(new Key(type, key), (k, cur) -> {
            if (mark < clearedAt || (cur instanceof Invalid i && i.at() > mark)) {
                return cur;
            }
            long old = cur instanceof Loaded l ? l.weight() : 0;
            if (bytes.get() - old + w > budgetBytes) {
                if (cur instanceof Loaded) {
                    bytes.addAndGet(-old);
                }
                return cur instanceof Loaded ? new Invalid(mark) : cur;
            }
            bytes.addAndGet(w - old);
            return new Loaded(r, w);
        });
    }

    public void putIndex(String type, TypeIndex index, long mark) {
        types.compute(type, (k, cur) -> mark < clearedAt || (cur instanceof Invalid i && i.at() > mark) ? cur : index);
    }

    public void putEndpoints(Set<String> e, long mark) {
        synchronized (this) {
            if (mark >= clearedAt && mark >= endpointsInvalidAt) {
                endpoints = Set.copyOf(e);
            }
        }
    }

    /** Documents {@code type/key} changed: drop them and their endpoints' indexes. */
    public void invalidate(Collection<String> typeSlashKeys) {
        long at = seq.incrementAndGet();
        Set<String> touched = new java.util.HashSet<>();
        for (String tk : typeSlashKeys) {
            int slash = tk.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            Key k = new Key(tk.substring(0, slash), tk.substring(slash + 1));
            touched.add(k.type());
            Object old = documents.put(k, new Invalid(at));
            if (old instanceof Loaded l) {
                bytes.addAndGet(-l.weight());
            }
        }
        for (String t : touched) {
            types.put(t, new Invalid(at));
        }
        Set<String> e = endpoints;
        if (e != null && !e.containsAll(touched)) {
            invalidateEndpoints(at);
        }
    }

    public void invalidateEndpoints() {
        invalidateEndpoints(seq.incrementAndGet());
    }

    private synchronized void invalidateEndpoints(long at) {
        endpointsInvalidAt = at;
        endpoints = null;
    }

    /** Everything may have changed. */
    public void invalidateAll() {
        long at = seq.incrementAndGet();
        synchronized (this) {
            clearedAt = at;
            endpointsInvalidAt = at;
            endpoints = null;
        }
        documents.clear();
        types.clear();
        bytes.set(0);
    }

    /** Whether something changed after {@code mark} that a full load begun at it could have missed. */
    public boolean clearedSince(long mark) {
        return clearedAt > mark;
    }
}
