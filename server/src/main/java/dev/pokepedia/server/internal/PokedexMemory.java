package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Pokédex projections in memory: every row of each kind with its list and detail JSON as the SQL path makes them,
 * so that filters, sorts and paging are answered without a query and give the same answer. Replaced wholesale (a few
 * thousand rows) when the change feed reports a projection or asset change; until then {@link #snapshot()} is null
 * and the SQL path answers.
 */
public final class PokedexMemory {

    /** One kind's rows in id order, and by id and name (the lowest id of a name, as the SQL's ORDER BY id LIMIT 1). */
    record KindRows(List<PokedexStore.Row> rows, Map<Integer, PokedexStore.Row> byId, Map<String, PokedexStore.Row> byName) {}

    /** A consistent copy of all projections (read in one repeatable-read transaction). */
    public record Snapshot(Map<String, KindRows> kinds, Set<String> typeNames, Map<String, Representation> answers) {
        static final int MAX_ANSWERS = 4096;

        /** A finished answer for a request target, made from this snapshot (bounded; dropped with the snapshot). */
        public Representation answer(String target) {
            return answers.get(target);
        }

        public void keep(String target, Representation r) {
            if (answers.size() < MAX_ANSWERS) {
                answers.put(target, r);
            }
        }

        public PokedexStore.Row one(PokedexStore.Kind kind, String idOrName) {
            KindRows k = kinds.get(kind.name());
            return ResourceStore.isKey(idOrName) ? k.byId().get(Integer.parseInt(idOrName)) : k.byName().get(idOrName);
        }

        public Page page(PokedexStore.Kind kind, List<PokedexStore.Clause> where, List<PokedexStore.Order> order, int limit, int offset) {
            List<PokedexStore.Row> hits = new ArrayList<>();
            for (PokedexStore.Row r : kinds.get(kind.name()).rows()) {
                boolean ok = true;
                for (PokedexStore.Clause c : where) {
                    if (!c.test().test(r.values()::get)) {
                        ok = false;
                        break;
                    }
                }
                if (ok) {
                    hits.add(r);
                }
            }
            if (!order.isEmpty()) {
                hits.sort(comparator(order)); // why stable: rows are in id order, the final tie-breaker
            }
            List<String> out = new ArrayList<>(Math.min(limit, Math.max(0, hits.size() - offset)));
            for (int i = offset; i < hits.size() && i < (long) offset + limit; i++) {
                out.add(hits.get(i).item());
            }
            return new Page(hits.size(), out);
        }
    }

    public record Page(long count, List<String> items) {}

    private final Database db;
    private final PokedexStore store;
    private long seq; // guarded by this
    private volatile Snapshot snapshot;

    public PokedexMemory(Database db, PokedexStore store) {
        this.db = db;
        this.store = store;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public synchronized void invalidate() {
        seq++;
        snapshot = null;
    }

    /** Reads all projections and keeps them unless they changed meanwhile; returns whether it was kept. */
    public boolean load() throws SQLException {
        long mark;
        synchronized (this) {
            mark = seq;
        }
        Snapshot s = db.withConnection("loading the Pokédex projections", c -> read(c));
        synchronized (this) {
            if (seq != mark) {
                return false;
            }
            snapshot = s;
            return true;
        }
    }

    private Snapshot read(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        try {
            Map<String, KindRows> kinds = new HashMap<>();
            for (PokedexStore.Kind k : List.of(PokedexStore.POKEMON, PokedexStore.SPECIES, PokedexStore.MOVES, PokedexStore.TYPES)) {
                List<PokedexStore.Row> rows = store.all(c, k);
                Map<Integer, PokedexStore.Row> byId = new HashMap<>();
                Map<String, PokedexStore.Row> byName = new HashMap<>();
                for (PokedexStore.Row r : rows) {
                    byId.put(r.id(), r);
                    byName.putIfAbsent(r.name(), r);
                }
                kinds.put(k.name(), new KindRows(List.copyOf(rows), Map.copyOf(byId), Map.copyOf(byName)));
            }
            Set<String> typeNames = new TreeSet<>(kinds.get(PokedexStore.TYPES.name()).byName().keySet());
            return new Snapshot(Map.copyOf(kinds), java.util.Collections.unmodifiableSet(typeNames), new java.util.concurrent.ConcurrentHashMap<>());
        } finally {
            c.rollback();
            c.setReadOnly(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(true);
        }
    }

    private static Comparator<PokedexStore.Row> comparator(List<PokedexStore.Order> order) {
        Comparator<PokedexStore.Row> cmp = null;
        for (PokedexStore.Order o : order) {
            Comparator<PokedexStore.Row> one = (a, b) -> {
                Integer x = sortValue(a, o.column());
                Integer y = sortValue(b, o.column());
                if (x == null || y == null) {
                    return x == null ? (y == null ? 0 : 1) : -1; // NULLS LAST either way
                }
                return o.desc() ? Integer.compare(y, x) : Integer.compare(x, y);
            };
            cmp = cmp == null ? one : cmp.thenComparing(one);
        }
        return cmp;
    }

    private static Integer sortValue(PokedexStore.Row r, String column) {
        if (column.equals("name")) {
            return r.nameRank(); // why: the database's collation order, not Java's
        }
        Object v = r.values().get(column);
        return v == null ? null : ((Number) v).intValue();
    }
}
