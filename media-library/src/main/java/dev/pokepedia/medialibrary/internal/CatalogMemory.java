package dev.pokepedia.medialibrary.internal;

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
import java.util.Comparator;
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

    private record Row(CatalogAsset asset, long createdMicros, String[] words) {}

    private final Row[] rows;
    private final int[] byCreatedDesc;
    private final int[] byName;
    private final int[] byBytes;
    private final Map<String, int[]> postings; // word -> ascending row indexes
    private final Map<String, int[]> byFolder; // folder -> ascending row indexes
    private final Map<String, int[]> byTag;
    private final Map<ResourceType, int[]> byType;
    private final int[] nameRank;
    private final int[] bytesRank;
    private final int[] createdRank;

    /**
     * @param createdRank position of each row in (provider_created_at DESC, id DESC)
     * @param bytesRank   position of each row in (bytes DESC NULLS LAST, id)
     * (rows come in the name order; every order is the database's own, computed by the load query)
     */
    private CatalogMemory(Row[] rows, int[] createdRank, int[] bytesRank) {
        this.rows = rows;
        this.createdRank = createdRank;
        this.bytesRank = bytesRank;
        this.nameRank = new int[rows.length];
        this.byName = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            nameRank[i] = i;
            byName[i] = i;
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
        private int n;

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
                    rows.add(new Row(reader.map(rs), ChronoUnit.MICROS.between(Instant.EPOCH, created), words));
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
     */
    public MediaList list(MediaQuery q, List<String> words) {
        CatalogReader.Paging paging = CatalogReader.Paging.of(q);
        boolean ascending = q.sort().equals("created_asc");
        int[] candidates = candidates(q, words); // null: every row
        boolean deleted = q.deleted();
        List<Integer> page = new ArrayList<>(q.limit() + 1);
        // why two ways: a few candidates are cheapest sorted by their rank in the order; many are cheapest found by
        // walking the order until the page is full
        if (candidates != null && candidates.length * 16L < rows.length) {
            int[] rank = switch (q.sort()) {
                case "name" -> nameRank;
                case "bytes_desc" -> bytesRank;
                default -> createdRank;
            };
            Integer[] hits = Arrays.stream(candidates).filter(i -> deleted || rows[i].asset().deletedAt() == null)
                    .filter(i -> after(i, paging)).boxed().toArray(Integer[]::new);
            Arrays.sort(hits, Comparator.comparingInt(i -> ascending ? -rank[i] : rank[i]));
            for (int k = paging.offset(); k < hits.length && page.size() <= q.limit(); k++) {
                page.add(hits[k]);
            }
        } else {
            java.util.BitSet in = null;
            if (candidates != null) {
                in = new java.util.BitSet(rows.length);
                for (int i : candidates) {
                    in.set(i);
                }
            }
            int[] order = switch (q.sort()) {
                case "name" -> byName;
                case "bytes_desc" -> byBytes;
                default -> byCreatedDesc;
            };
            int start = paging.afterMicros() == null ? 0 : firstAfter(paging, ascending);
            int skipped = 0;
            for (int k = start; k < order.length && page.size() <= q.limit(); k++) {
                int i = order[ascending ? order.length - 1 - k : k];
                if ((in == null || in.get(i)) && (deleted || rows[i].asset().deletedAt() == null)
                        && skipped++ >= paging.offset()) {
                    page.add(i);
                }
            }
        }
        List<CatalogAsset> items = new ArrayList<>(page.size());
        page.forEach(i -> items.add(rows[i].asset()));
        String next = null;
        if (items.size() > q.limit()) {
            items.removeLast();
            Row last = rows[page.get(q.limit() - 1)];
            next = paging.next(last.asset().id(), last.createdMicros(), q.limit());
        }
        return new MediaList(items, next);
    }

    /** The rows every filter and word admits (ascending), or null when nothing narrows them. */
    private int[] candidates(MediaQuery q, List<String> words) {
        int[] out = null;
        if (words != null) {
            out = wordRows(words);
        }
        if (q.folder() != null) {
            out = narrow(out, byFolder.get(q.folder()));
        }
        if (q.tag() != null) {
            out = narrow(out, byTag.get(q.tag()));
        }
        if (q.type() != null) {
            out = narrow(out, byType.get(q.type()));
        }
        return out;
    }

    private static int[] narrow(int[] so, int[] with) {
        if (with == null) {
            return new int[0];
        }
        return so == null ? with : intersect(so, with);
    }

    /** Rows holding every word, ascending; none when there is no word (as {@code @@} an empty query matches nothing). */
    private int[] wordRows(List<String> words) {
        if (words.isEmpty()) {
            return new int[0];
        }
        int[] out = null;
        for (String w : words) {
            int[] p = postings.get(w);
            if (p == null) {
                return new int[0];
            }
            out = out == null ? p : intersect(out, p);
        }
        return out;
    }

    private boolean after(int i, CatalogReader.Paging paging) {
        if (paging.afterMicros() == null) {
            return true;
        }
        int c = compareCreated(rows[i], paging.afterMicros(), paging.afterId());
        return paging.desc() ? c < 0 : c > 0;
    }

    /** Position in the (possibly reversed) created order of the first row past the cursor. */
    private int firstAfter(CatalogReader.Paging paging, boolean ascending) {
        int lo = 0;
        int hi = byCreatedDesc.length;
        while (lo < hi) { // first k whose row is past the cursor in the walking direction
            int mid = (lo + hi) >>> 1;
            Row r = rows[byCreatedDesc[ascending ? byCreatedDesc.length - 1 - mid : mid]];
            int c = compareCreated(r, paging.afterMicros(), paging.afterId());
            if (ascending ? c > 0 : c < 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int compareCreated(Row r, long micros, long id) {
        int c = Long.compare(r.createdMicros(), micros);
        return c != 0 ? c : Long.compare(r.asset().id(), id);
    }

    private static int[] intersect(int[] a, int[] b) {
        int[] out = new int[Math.min(a.length, b.length)];
        int n = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] == b[j]) {
                out[n++] = a[i];
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return Arrays.copyOf(out, n);
    }

}
