package dev.pokepedia.medialibrary.internal;

import dev.pokepedia.medialibrary.AssetJson;
import dev.pokepedia.medialibrary.CatalogAsset;
import dev.pokepedia.medialibrary.MediaList;
import dev.pokepedia.medialibrary.MediaQuery;
import dev.pokepedia.medialibrary.ResourceType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One provider's catalog held in memory for the list and search routes: every row (tombstones too), its search words
 * as PostgreSQL's {@code search_document} holds them, and the row orders of the four sorts, so a listing costs no
 * database work. Immutable; the library replaces it when the catalog changed (see {@code MediaLibrary}).
 *
 * <p>Answers are those of {@link CatalogReader#list} to the row: the same filters, the same orders (the name order is
 * the database's, read with the rows, because it follows the database's collation), the same cursors.
 */
public final class CatalogMemory {

    /**
     * A row, with its JSON rendered when the copy loads. why at load: rendered on first use, the bytes (about 500 per
     * asset) were allocated by requests and lived on, so every young collection under load copied them (pauses of
     * 25-30 ms, each felt by every request in flight); rendered here, they are made once, off the request path.
     */
    private record Row(CatalogAsset asset, long createdMicros, String[] words, byte[] json) {}

    private final Row[] rows;
    private final long[] createdMicros; // per row, for cursors without touching the row objects
    private final long[] ids;
    private final java.util.BitSet live; // rows not tombstoned
    private final int[] byCreatedDesc;
    private final int[] byBytes;
    private final Map<String, int[]> postings; // word -> ascending row indexes
    private final Map<String, int[]> byFolder; // folder -> ascending row indexes
    private final Map<String, int[]> byTag;
    private final Map<ResourceType, int[]> byType;
    private final int[] bytesRank;
    private final int[] createdRank;
    /** A filter's rows in a sort's order, made on first use; the copy never changes, so neither do they. */
    private final Map<OrderKey, int[]> ordered = new java.util.concurrent.ConcurrentHashMap<>();
    /** Membership of the larger filters, made on first use. */
    private final Map<String, java.util.BitSet> members = new java.util.concurrent.ConcurrentHashMap<>();

    private enum Order { CREATED, NAME, BYTES }

    private record OrderKey(String filter, Order order, boolean deleted) {}

    /** One filter of a listing: a key naming it ("*" for none) and its rows, ascending. */
    private record Filter(String key, int[] rows) {}

    private static final int MAX_CACHED_ORDERS = 20_000; // why: a bound on what odd one-off queries can leave behind
    private static final int BITSET_FROM = 1_024; // smaller filters are tested by binary search

    /**
     * @param createdRank position of each row in (provider_created_at DESC, id DESC)
     * @param bytesRank   position of each row in (bytes DESC NULLS LAST, id)
     * (rows come in the name order; every order is the database's own, computed by the load query)
     */
    private CatalogMemory(Row[] rows, int[] createdRank, int[] bytesRank) {
        this.rows = rows;
        this.createdRank = createdRank;
        this.bytesRank = bytesRank;
        this.createdMicros = new long[rows.length];
        this.ids = new long[rows.length];
        this.live = new java.util.BitSet(rows.length);
        for (int i = 0; i < rows.length; i++) {
            createdMicros[i] = rows[i].createdMicros();
            ids[i] = rows[i].asset().id();
            live.set(i, rows[i].asset().deletedAt() == null);
        }
        this.byCreatedDesc = orderOf(createdRank);
        this.byBytes = orderOf(bytesRank);
        Map<String, IntList> words = new HashMap<>();
        Map<String, IntList> folders = new HashMap<>();
        Map<String, IntList> tags = new HashMap<>();
        Map<ResourceType, IntList> types = new HashMap<>();
        for (int i = 0; i < rows.length; i++) {
            for (String w : rows[i].words()) {
                words.computeIfAbsent(w, k -> new IntList()).add(i);
            }
            CatalogAsset a = rows[i].asset();
            folders.computeIfAbsent(a.folder(), k -> new IntList()).add(i);
            for (String t : a.tags()) {
                tags.computeIfAbsent(t, k -> new IntList()).addOnce(i); // why once: a tag may repeat in a row
            }
            types.computeIfAbsent(a.ref().type(), k -> new IntList()).add(i);
        }
        this.postings = arrays(words);
        this.byFolder = arrays(folders);
        this.byTag = arrays(tags);
        this.byType = arrays(types);
    }

    /** A growable list of ascending row indexes (no boxing: the lists of 100,000 rows are built on every load). */
    private static final class IntList {
        private int[] a = new int[8];
        private int n; // (the listing reads both directly)

        void add(int i) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = i;
        }

        void addOnce(int i) {
            if (n == 0 || a[n - 1] != i) {
                add(i);
            }
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static int[] orderOf(int[] rank) {
        int[] order = new int[rank.length];
        for (int i = 0; i < rank.length; i++) {
            order[rank[i]] = i;
        }
        return order;
    }

    private static <K> Map<K, int[]> arrays(Map<K, IntList> lists) {
        Map<K, int[]> out = new HashMap<>(lists.size() * 2);
        lists.forEach((k, list) -> out.put(k, list.toArray()));
        return out;
    }

    /** Reads every row of the reader's provider and cloud in one statement (one consistent snapshot). */
    public static CatalogMemory load(Connection c, CatalogReader reader) throws SQLException {
        List<Row> rows = new ArrayList<>();
        IntList createdRank = new IntList();
        IntList bytesRank = new IntList();
        Map<String, String> interned = new HashMap<>();
        // why the orders from the database: the name order follows its collation, and all three must be exactly
        // those of the SQL listing (ties broken by id)
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CatalogReader.COLUMNS
                + ", tsvector_to_array(search_document),"
                + " row_number() OVER (ORDER BY provider_created_at DESC, id DESC) - 1,"
                + " row_number() OVER (ORDER BY bytes DESC NULLS LAST, id) - 1"
                + " FROM media_assets WHERE provider = ? AND cloud = ? ORDER BY coalesce(display_name, public_id), id")) {
            ps.setString(1, reader.provider());
            ps.setString(2, reader.cloud());
            ps.setFetchSize(2_000); // why: stream 100,000 rows instead of holding the whole answer twice
            c.setAutoCommit(false); // (a fetch size needs a transaction in pgjdbc)
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant created = rs.getTimestamp(16).toInstant();
                    Array a = rs.getArray(17);
                    String[] words = a == null ? new String[0] : (String[]) a.getArray();
                    for (int i = 0; i < words.length; i++) {
                        words[i] = interned.computeIfAbsent(words[i], w -> w); // why: the same words recur in most rows
                    }
                    CatalogAsset asset = reader.map(rs);
                    rows.add(new Row(asset, ChronoUnit.MICROS.between(Instant.EPOCH, created), words, AssetJson.render(asset)));
                    createdRank.add(rs.getInt(18));
                    bytesRank.add(rs.getInt(19));
                }
            }
            c.commit();
        }
        return new CatalogMemory(rows.toArray(Row[]::new), createdRank.toArray(), bytesRank.toArray());
    }

    public int size() {
        return rows.length;
    }

    /**
     * The listing as {@link CatalogReader#list} gives it. {@code words}: the query's words as PostgreSQL's
     * {@code plainto_tsquery('simple', …)} makes them (all must match), or null without a text query.
     *
     * <p>why this shape: the smallest filter's rows, already in the sort's order (made once per copy), are walked from
     * the cursor, and each is tested against the other filters, so a page costs about its own length divided by how
     * many of those rows the other filters keep, however large the catalog or deep the page.
     */
    public MediaList list(MediaQuery q, List<String> words) {
        CatalogReader.Paging paging = CatalogReader.Paging.of(q);
        List<Filter> filters = filters(q, words);
        if (filters == null) {
            return new MediaList(List.of(), null); // a filter nothing matches
        }
        Order order = switch (q.sort()) {
            case "name" -> Order.NAME;
            case "bytes_desc" -> Order.BYTES;
            default -> Order.CREATED;
        };
        boolean reverse = q.sort().equals("created_asc"); // walk the descending order backwards
        Filter smallest = new Filter("*", null);
        for (Filter f : filters) {
            if (smallest.rows() == null || f.rows().length < smallest.rows().length) {
                smallest = f;
            }
        }
        int[] seq = ordered(smallest, order, q.deleted());
        List<Filter> others = new ArrayList<>(filters);
        others.remove(smallest);
        int n = seq.length;
        int k = paging.afterMicros() == null ? 0 : firstAfter(seq, paging, reverse);
        IntList page = new IntList();
        if (others.isEmpty()) {
            for (k += paging.offset(); k < n && page.n <= q.limit(); k++) {
                page.add(seq[reverse ? n - 1 - k : k]);
            }
        } else {
            int skipped = 0;
            for (; k < n && page.n <= q.limit(); k++) {
                int row = seq[reverse ? n - 1 - k : k];
                if (inAll(others, row) && skipped++ >= paging.offset()) {
                    page.add(row);
                }
            }
        }
        String next = null;
        int count = page.n;
        if (count > q.limit()) {
            count = q.limit();
            Row last = rows[page.a[count - 1]];
            next = paging.next(last.asset().id(), last.createdMicros(), q.limit());
        }
        List<CatalogAsset> items = new ArrayList<>(count);
        List<byte[]> json = new ArrayList<>(count);
        for (int j = 0; j < count; j++) {
            Row r = rows[page.a[j]];
            items.add(r.asset());
            json.add(r.json());
        }
        return new MediaList(items, next, json);
    }

    /** The listing's filters (none: an empty list), or null when one of them matches nothing. */
    private List<Filter> filters(MediaQuery q, List<String> words) {
        List<Filter> out = new ArrayList<>(4);
        if (words != null) {
            if (words.isEmpty()) {
                return null; // as {@code @@} an empty query matches nothing
            }
            for (String w : words) {
                out.add(new Filter("w:" + w, postings.get(w)));
            }
        }
        if (q.folder() != null) {
            out.add(new Filter("f:" + q.folder(), byFolder.get(q.folder())));
        }
        if (q.tag() != null) {
            out.add(new Filter("t:" + q.tag(), byTag.get(q.tag())));
        }
        if (q.type() != null) {
            out.add(new Filter("y:" + q.type(), byType.get(q.type())));
        }
        for (Filter f : out) {
            if (f.rows() == null) {
                return null;
            }
        }
        return out;
    }

    /** The filter's rows (every row for "*"), tombstones only when asked, in the order; cached for the copy. */
    private int[] ordered(Filter f, Order order, boolean deleted) {
        OrderKey key = new OrderKey(f.key(), order, deleted);
        int[] cached = ordered.get(key);
        if (cached != null) {
            return cached;
        }
        int[] made = order(f.rows(), order, deleted);
        if (ordered.size() < MAX_CACHED_ORDERS) {
            ordered.putIfAbsent(key, made);
        }
        return made;
    }

    private int[] order(int[] filterRows, Order order, boolean deleted) {
        if (filterRows == null) { // every row: the orders are there already
            int[] all = switch (order) {
                case CREATED -> byCreatedDesc;
                case BYTES -> byBytes;
                case NAME -> null;
            };
            IntList out = new IntList();
            for (int k = 0; k < rows.length; k++) {
                int row = all == null ? k : all[k];
                if (deleted || live.get(row)) {
                    out.add(row);
                }
            }
            return out.toArray();
        }
        int[] rank = order == Order.CREATED ? createdRank : order == Order.BYTES ? bytesRank : null;
        // why packed longs: (position in the order, row) sorts as primitives, without boxing every row
        long[] keyed = new long[filterRows.length];
        int n = 0;
        for (int row : filterRows) {
            if (deleted || live.get(row)) {
                keyed[n++] = (long) (rank == null ? row : rank[row]) << 32 | row;
            }
        }
        if (rank != null) {
            Arrays.sort(keyed, 0, n); // (rows ascending are already the name order)
        }
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = (int) keyed[k];
        }
        return out;
    }

    private boolean inAll(List<Filter> others, int row) {
        for (Filter f : others) {
            int[] r = f.rows();
            if (r.length >= BITSET_FROM) {
                java.util.BitSet b = members.computeIfAbsent(f.key(), key -> {
                    java.util.BitSet set = new java.util.BitSet(rows.length);
                    for (int i : r) {
                        set.set(i);
                    }
                    return set;
                });
                if (!b.get(row)) {
                    return false;
                }
            } else if (Arrays.binarySearch(r, row) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Position in the walk over {@code seq} (created order, descending; walked backwards when ascending) of the first row past the cursor. */
    private int firstAfter(int[] seq, CatalogReader.Paging paging, boolean reverse) {
        int n = seq.length;
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int row = seq[reverse ? n - 1 - mid : mid];
            int c = Long.compare(createdMicros[row], paging.afterMicros());
            if (c == 0) {
                c = Long.compare(ids[row], paging.afterId());
            }
            if (reverse ? c > 0 : c < 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

}
