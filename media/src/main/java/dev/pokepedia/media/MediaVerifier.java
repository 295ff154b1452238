package dev.pokepedia.media;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.Sha256;
import dev.pokepedia.corpus.VerifyReport;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/** Media checks for {@code verify}: projection paths are accounted for; with {@code --deep}, stored objects re-hash. */
public final class MediaVerifier {

    private static final int EXAMPLES = 10;

    private final Database database;
    private final AssetManifest manifest;
    private final java.time.Clock clock;

    public MediaVerifier(Database database) {
        this(database, java.time.Clock.systemUTC());
    }

    public MediaVerifier(Database database, java.time.Clock clock) {
        this.database = database;
        this.manifest = new AssetManifest(database);
        this.clock = clock;
    }

    /** Empty when no media was mirrored yet (then there is nothing to check). */
    public List<VerifyReport.Check> verify(ObjectStore deepStore) {
        var buckets = manifest.buckets();
        if (buckets.isEmpty()) {
            return List.of();
        }
        List<VerifyReport.Check> checks = new ArrayList<>();
        checks.add(projectionPaths());
        String where = manifest.storageTarget().map(t -> " in " + t).orElse("");
        buckets.values().forEach(b -> checks.add(new VerifyReport.Check("media " + b.bucket(), b.pending() == 0 && b.failed() == 0,
                b.stored() + " stored" + where + " (" + b.storedBytes() / 1_000_000 + " MB), " + b.missing() + " missing from their source, "
                        + b.failed() + " failed, " + b.pending() + " not yet mirrored")));
        if (deepStore != null) {
            java.time.Instant start = clock.instant();
            checks.add(deep(deepStore));
            if (deepStore.localFolder().isPresent()) {
                checks.add(leftovers(deepStore, start));
            }
        }
        return checks;
    }

    private VerifyReport.Check projectionPaths() {
        String sql = """
                WITH paths AS (
                    SELECT 'pokedex-sprites' AS bucket, sprite_front_default_path AS path, id FROM pokepedia_pokemon
                    UNION ALL SELECT 'pokedex-sprites', sprite_official_artwork_path, id FROM pokepedia_pokemon
                    UNION ALL SELECT 'pokedex-cries', cry_latest_path, id FROM pokepedia_pokemon
                    UNION ALL SELECT 'pokedex-cries', cry_legacy_path, id FROM pokepedia_pokemon
                )
                SELECT p.bucket || '/' || p.path || ' (pokemon ' || p.id || ', ' || coalesce(a.status, 'not in the manifest') || ')'
                  FROM paths p LEFT JOIN pokepedia_assets a ON a.bucket = p.bucket AND a.path = p.path
                 WHERE p.path IS NOT NULL AND (a.status IS NULL OR a.status NOT IN ('stored', 'missing'))
                 ORDER BY 1""";
        List<String> bad = new ArrayList<>();
        long n = database.withConnection("checking the projections' media paths", c -> {
            long found = 0;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    found++;
                    if (bad.size() < EXAMPLES) {
                        bad.add(rs.getString(1));
                    }
                }
            }
            return found;
        });
        return new VerifyReport.Check("media paths", n == 0, n == 0
                ? "every sprite and cry path in pokepedia_pokemon is stored or listed as missing"
                : n + " projection paths are neither stored nor listed missing, e.g. " + String.join("; ", bad));
    }

    private VerifyReport.Check deep(ObjectStore store) {
        List<Recorded> stored = database.withConnection("listing stored assets to re-hash", c -> {
            List<Recorded> out = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT bucket, path, sha256 FROM pokepedia_assets WHERE status = 'stored' ORDER BY bucket, path")) {
                while (rs.next()) {
                    out.add(new Recorded(new AssetRef(rs.getString(1), rs.getString(2)), rs.getString(3)));
                }
            }
            return out;
        });
        List<String> bad = Collections.synchronizedList(new ArrayList<>());
        List<AssetRef> broken = Collections.synchronizedList(new ArrayList<>());
        AtomicLong mismatches = new AtomicLong();
        Semaphore permits = new Semaphore(16);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Recorded s : stored) {
                permits.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        Optional<byte[]> bytes = store.get(s.where().bucket(), s.where().path());
                        String why = bytes.isEmpty() ? "object is gone" : Sha256.hex(bytes.get()).equals(s.sha256()) ? null : "SHA-256 differs";
                        if (why != null) {
                            mismatches.incrementAndGet();
                            broken.add(s.where());
                            if (bad.size() < EXAMPLES) {
                                bad.add(s.where() + ": " + why);
                            }
                        }
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        markForRepair(broken);
        return new VerifyReport.Check("media deep", mismatches.get() == 0, mismatches.get() == 0
                ? stored.size() + " stored objects re-hashed in " + store.describe() + ", all match"
                : mismatches.get() + " of " + stored.size() + " stored objects do not match; marked pending, so 'pokepedia media' "
                  + "mirrors them again: " + String.join("; ", bad));
    }

    /** Temporary upload files that killed runs left behind (abandoned as of this verify's start). */
    private VerifyReport.Check leftovers(ObjectStore store, java.time.Instant start) {
        List<ObjectStore.Leftover> left = store.abandonedUploads(start, true);
        if (left.isEmpty()) {
            return new VerifyReport.Check("media leftovers", true, "no temporary upload files left behind in " + store.describe());
        }
        long bytes = left.stream().mapToLong(ObjectStore.Leftover::bytes).sum();
        long old = left.stream().filter(l -> !l.path().contains("/.uploads/")).count();
        List<String> shown = left.stream().limit(EXAMPLES).map(l -> l.path() + " (" + l.bytes() + " bytes, " + l.modified() + ")").toList();
        return new VerifyReport.Check("media leftovers", false, left.size() + " temporary upload files (" + bytes + " bytes) left behind by killed "
                + "runs in " + store.describe() + ": " + String.join("; ", shown)
                + (left.size() > shown.size() ? "; …" : "")
                + (old < left.size() ? "; the next 'pokepedia media' removes those under .uploads/" : "")
                + (old > 0 ? "; " + old + " carry an earlier version's name (.upload-*.tmp beside the objects): delete them by hand" : ""));
    }

    /** A stored asset and the SHA-256 the manifest records for it. */
    private record Recorded(AssetRef where, String sha256) {}

    private void markForRepair(List<AssetRef> broken) {
        if (broken.isEmpty()) {
            return;
        }
        database.withConnection("marking mismatched assets for re-mirroring", c -> {
            try (var ps = c.prepareStatement(
                    "UPDATE pokepedia_assets SET status = 'pending', sha256 = NULL, updated_at = now() WHERE bucket = ? AND path = ?")) {
                for (AssetRef s : broken) {
                    ps.setString(1, s.bucket());
                    ps.setString(2, s.path());
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }
}
