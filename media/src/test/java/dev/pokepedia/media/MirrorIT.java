package dev.pokepedia.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.corpus.ImportOptions;
import dev.pokepedia.corpus.SnapshotImporter;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.corpus.VerifyReport;
import dev.pokepedia.media.internal.ArchiveAssetSource;
import dev.pokepedia.media.internal.FolderAssetSource;
import dev.pokepedia.media.internal.FolderObjectStore;
import dev.pokepedia.testkit.FixtureFileServer;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import dev.pokepedia.media.internal.S3Config;
import dev.pokepedia.media.internal.S3ObjectStore;
import dev.pokepedia.testkit.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The mirror engine end to end on real Postgres with the folder backend and real sprite/cry files. */
class MirrorIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    private static final Path FIXTURES = SharedData.repoRoot().resolve("media/src/test/resources/fixtures/media");
    private static final Path SPRITES = FIXTURES.resolve("sprites-mini");
    private static final Path CRIES = FIXTURES.resolve("cries-mini");
    private static final Path CORPUS = SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz");
    private static final Pattern MEDIA = Pattern.compile("\"(https://raw\\.githubusercontent\\.com/PokeAPI/(sprites|cries)/[^/\"]+/([^\"]+))\"");

    @TempDir
    Path tmp;

    private AssetManifest manifest;

    @BeforeEach
    void freshCorpusAndManifest() throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pokepedia_assets, pokepedia_asset_refs, pokepedia_asset_scans, pokepedia_asset_storage");
        }
        var report = new SnapshotImporter(db.database(), HttpClient.newHttpClient(), Clock.systemUTC())
                .run(ImportOptions.of(new SnapshotSource.Archive(CORPUS)));
        assertThat(report.failure()).isNull();
        manifest = new AssetManifest(db.database());
        manifest.refresh();
    }

    /** Every media path the mini corpus references, read from the archive itself (not through our SQL). */
    private static Map<String, String> referencedPaths() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(CORPUS)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile() || !e.getName().contains("/data/api/v2/")) {
                    continue;
                }
                Matcher m = MEDIA.matcher(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    out.put(m.group(3), m.group(2).equals("cries") ? "pokedex-cries" : "pokedex-sprites");
                }
            }
        }
        return out;
    }

    /** Fixture files by repository path ("sprites/…", "cries/…"). */
    private static Map<String, byte[]> fixtureFiles(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(f).toString();
                int i = rel.indexOf("sprites/") == 0 || rel.contains("/sprites/") ? rel.indexOf("sprites/") : rel.indexOf("cries/");
                out.put(rel.substring(i), Files.readAllBytes(f));
            }
        }
        return out;
    }

    private MirrorReport mirror(ObjectStore store, AssetSource sprites, AssetSource cries, MirrorOptions options) throws Exception {
        Map<AssetKind, AssetSource> sources = new HashMap<>();
        sources.put(AssetKind.SPRITE, sprites);
        sources.put(AssetKind.CRY, cries);
        return new MirrorEngine(manifest, store, options, Clock.systemUTC()).run(sources);
    }

    private MirrorReport mirror(ObjectStore store) throws Exception {
        return mirror(store, new FolderAssetSource(SPRITES, 4, 1 << 20), new FolderAssetSource(CRIES, 4, 1 << 20), MirrorOptions.defaults());
    }

    private Map<String, Long> statusCounts() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, count(*) FROM pokepedia_assets GROUP BY 1")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    @Test
    void manifest_holds_every_referenced_media_path_once_and_finds_assets_by_resource() throws Exception {
        Map<String, String> expected = referencedPaths();
        Map<String, String> actual = new TreeMap<>();
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT path, bucket FROM pokepedia_assets")) {
            while (rs.next()) {
                actual.put(rs.getString(1), rs.getString(2));
            }
        }
        assertThat(actual).isEqualTo(expected);
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE path = 'cries/pokemon/latest/25.ogg') FROM pokepedia_asset_refs"
                     + " WHERE resource_type = 'pokemon' AND resource_id = '25'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("pikachu's assets include its latest cry").isEqualTo(1);
        }
        assertThat(manifest.refresh().documentsScanned()).as("unchanged documents are not rescanned").isZero();
    }

    @Test
    void mirrors_from_folders_stores_what_the_source_has_lists_the_rest_missing_and_a_rerun_transfers_nothing() throws Exception {
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        Map<String, byte[]> files = new TreeMap<>(fixtureFiles(SPRITES));
        files.putAll(fixtureFiles(CRIES));
        int referenced = referencedPaths().size();

        MirrorReport first = mirror(store);
        assertThat(first.totalStored()).isEqualTo(files.size());
        assertThat(first.totalFailed()).isZero();
        assertThat(statusCounts()).containsEntry("stored", (long) files.size()).containsEntry("missing", (long) referenced - files.size());
        for (var e : files.entrySet()) {
            String bucket = e.getKey().startsWith("cries/") ? Asset.CRIES_BUCKET : Asset.SPRITES_BUCKET;
            assertThat(Files.readAllBytes(store.file(bucket, e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT missing_from FROM pokepedia_assets WHERE status = 'missing' LIMIT 1")) {
            rs.next();
            assertThat(rs.getString(1)).as("missing assets name the source asked").isIn(SPRITES.toString(), CRIES.toString());
        }

        String before = manifestFingerprint();
        MirrorReport second = mirror(store);
        assertThat(second.totalStored()).as("second run uploads nothing").isZero();
        assertThat(second.buckets().values().stream().mapToLong(MirrorReport.Counts::unchanged).sum()).isEqualTo(files.size());
        assertThat(second.buckets().values().stream().mapToLong(MirrorReport.Counts::missing).sum())
                .as("absent files are still reported").isEqualTo(referenced - files.size());
        assertThat(manifestFingerprint()).as("a rerun with nothing changed rewrites no manifest row").isEqualTo(before);
    }

    /** Every row's status, source and last change: equal before and after a run that changed nothing. */
    private String manifestFingerprint() throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT md5(string_agg(id || status || coalesce(missing_from, '') || updated_at, ',' ORDER BY id)) FROM pokepedia_assets")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void mirrors_into_s3_with_sha256_metadata_and_a_rerun_transfers_nothing() throws Exception {
        S3Config cfg = S3Config.parse("s3://?endpoint=" + s3.endpoint() + "&region=" + s3.region(),
                Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()));
        Map<String, byte[]> files = new TreeMap<>(fixtureFiles(SPRITES));
        files.putAll(fixtureFiles(CRIES));
        try (ObjectStore store = new S3ObjectStore(cfg)) {
            MirrorReport first = mirror(store);
            assertThat(first.totalStored()).isEqualTo(files.size());
            for (var e : files.entrySet()) {
                String bucket = e.getKey().startsWith("cries/") ? Asset.CRIES_BUCKET : Asset.SPRITES_BUCKET;
                assertThat(store.get(bucket, e.getKey())).as(e.getKey()).hasValueSatisfying(b -> assertThat(b).isEqualTo(e.getValue()));
                assertThat(store.head(bucket, e.getKey()).orElseThrow().sha256())
                        .isEqualTo(dev.pokepedia.corpus.internal.Canonicalizer.sha256(e.getValue()));
            }
            MirrorReport second = mirror(store, new FolderAssetSource(SPRITES, 4, 1 << 20), new FolderAssetSource(CRIES, 4, 1 << 20),
                    new MirrorOptions(4, 1 << 20, true, false));
            assertThat(second.totalStored()).as("--verify-remote finds every object intact").isZero();
        }
    }

    @Test
    void mirrors_over_http_from_a_mirror_base_with_404_and_a_503_that_recovers() throws Exception {
        Map<String, byte[]> files = new TreeMap<>(fixtureFiles(SPRITES));
        files.putAll(fixtureFiles(CRIES));
        Map<String, AtomicInteger> hits = new java.util.concurrent.ConcurrentHashMap<>();
        try (var server = FixtureFileServer.start(files, (path, ex) -> {
            int n = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            if (path.endsWith("latest/25.ogg") && n == 1) {
                ex.getResponseHeaders().add("Retry-After", "0");
                return 503; // the first attempt fails; the retry succeeds
            }
            return 0;
        })) {
            String base = server.base();
            FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
            MirrorReport r = mirror(store, AssetSources.open(base, 8, 1 << 20, 0), AssetSources.open(base + "/", 8, 1 << 20, 0),
                    MirrorOptions.defaults());
            assertThat(r.totalStored()).isEqualTo(files.size());
            assertThat(r.totalFailed()).isZero();
            assertThat(hits.get("cries/pokemon/latest/25.ogg").get()).as("503 then a successful retry").isEqualTo(2);
            assertThat(statusCounts()).containsEntry("missing", (long) referencedPaths().size() - files.size());
            assertThat(Files.readAllBytes(store.file(Asset.CRIES_BUCKET, "cries/pokemon/latest/25.ogg")))
                    .isEqualTo(files.get("cries/pokemon/latest/25.ogg"));

            int before = hits.values().stream().mapToInt(AtomicInteger::get).sum();
            MirrorReport again = mirror(store, AssetSources.open(base, 8, 1 << 20, 0), AssetSources.open(base, 8, 1 << 20, 0),
                    MirrorOptions.defaults());
            assertThat(again.totalStored()).isZero();
            int stored = files.size();
            assertThat(hits.values().stream().mapToInt(AtomicInteger::get).sum() - before)
                    .as("an HTTP rerun asks only for what is not stored yet").isEqualTo(referencedPaths().size() - stored);
        }
    }

    @Test
    void mirrors_from_archives_read_as_a_stream() throws Exception {
        Path spritesTgz = tarGz(SPRITES, tmp.resolve("sprites.tgz"), Map.of());
        Path criesTgz = tarGz(CRIES, tmp.resolve("cries.tar.gz"), Map.of());
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        ArchiveAssetSource sprites = new ArchiveAssetSource(spritesTgz, 4, 1 << 20);
        ArchiveAssetSource cries = new ArchiveAssetSource(criesTgz, 4, 1 << 20);
        assertThat(sprites.readFraction()).as("nothing read yet").isEqualTo(-1);

        MirrorReport r = mirror(store, sprites, cries, MirrorOptions.defaults());

        assertThat(r.totalStored()).isEqualTo(fixtureFiles(SPRITES).size() + fixtureFiles(CRIES).size());
        assertThat(r.missingExamples()).allMatch(m -> m.contains("absent from"));
        // progress of a streamed archive is the share of it read: all of it, to its last byte
        assertThat(sprites.readFraction()).isEqualTo(1.0);
        assertThat(cries.readFraction()).isEqualTo(1.0);
    }

    @Test
    void a_run_killed_after_writing_objects_is_resumed_without_uploading_them_again() throws Exception {
        FolderObjectStore real = new FolderObjectStore(tmp.resolve("storage"));
        AtomicInteger puts = new AtomicInteger();
        // the first run dies after three objects were written
        ObjectStore dying = counting(real, puts, 3);
        try {
            mirror(dying, new FolderAssetSource(SPRITES, 1, 1 << 20), new FolderAssetSource(CRIES, 1, 1 << 20), MirrorOptions.defaults());
        } catch (Error | RuntimeException expected) {
            // the simulated crash
        }
        // why: a real kill also loses the outcomes still buffered in memory; model that by forgetting every record
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE pokepedia_assets SET status = 'pending', sha256 = NULL WHERE status = 'stored'");
        }
        assertThat(puts.get()).isEqualTo(3);
        int total = fixtureFiles(SPRITES).size() + fixtureFiles(CRIES).size();

        AtomicInteger rerunPuts = new AtomicInteger();
        MirrorReport rerun = mirror(counting(real, rerunPuts, Integer.MAX_VALUE));
        assertThat(rerunPuts.get()).as("objects written before the crash are not uploaded again").isEqualTo(total - 3);
        assertThat(statusCounts()).containsEntry("stored", (long) total);
        assertThat(rerun.totalFailed()).isZero();
    }

    @Test
    void bad_files_fail_with_their_path_and_are_never_recorded_as_stored() throws Exception {
        Path src = tmp.resolve("bad-sprites");
        copyTree(SPRITES, src);
        Path sprites = src.resolve("package/sprites/pokemon");
        Files.writeString(sprites.resolve("other/dream-world/25.svg"), "<!DOCTYPE html><html><body>rate limited</body></html>");
        Files.write(sprites.resolve("versions/generation-v/black-white/animated/25.gif"), new byte[0]);
        Path gif1 = sprites.resolve("versions/generation-v/black-white/animated/1.gif");
        Files.delete(gif1);
        Files.createSymbolicLink(gif1, Path.of("/etc/passwd"));
        Files.write(sprites.resolve("other/dream-world/6.svg"), ("<svg>" + "x".repeat(3000) + "</svg>").getBytes(StandardCharsets.UTF_8));

        MirrorReport r = mirror(new FolderObjectStore(tmp.resolve("storage")), new FolderAssetSource(src, 4, 2048),
                new FolderAssetSource(CRIES, 4, 1 << 20), MirrorOptions.defaults());

        assertThat(r.buckets().get(Asset.SPRITES_BUCKET).failed()).isEqualTo(4);
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).contains("other/dream-world/25.svg").contains("HTML"))
                .anySatisfy(f -> assertThat(f).contains("animated/25.gif").contains("zero-byte"))
                .anySatisfy(f -> assertThat(f).contains("animated/1.gif").contains("symbolic link"))
                .anySatisfy(f -> assertThat(f).contains("6.svg").contains("limit"));
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pokepedia_assets WHERE bucket = 'pokedex-sprites' AND status = 'stored'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT last_error, attempts FROM pokepedia_assets WHERE path = 'sprites/pokemon/other/dream-world/25.svg'")) {
            rs.next();
            assertThat(rs.getString(1)).contains("HTML");
            assertThat(rs.getInt(2)).isEqualTo(1);
        }
    }

    @Test
    void hostile_archive_entries_are_never_used() throws Exception {
        Path evil = tarGz(CRIES, tmp.resolve("evil.tar.gz"), Map.of(
                "../cries/pokemon/latest/1.ogg", "OggS-evil",
                "/cries/pokemon/latest/25.ogg", "OggS-evil"));
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        mirror(store, new FolderAssetSource(SPRITES, 4, 1 << 20), new ArchiveAssetSource(evil, 4, 1 << 20), MirrorOptions.defaults());
        byte[] stored = Files.readAllBytes(store.file(Asset.CRIES_BUCKET, "cries/pokemon/latest/1.ogg"));
        assertThat(new String(stored, 0, 9, StandardCharsets.ISO_8859_1)).isNotEqualTo("OggS-evil");
        assertThat(tmp.resolve("cries")).doesNotExist();
    }

    @Test
    void verify_accounts_for_every_projection_path_and_deep_finds_a_deleted_object() throws Exception {
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        mirror(store);
        MediaVerifier verifier = new MediaVerifier(db.database());
        List<VerifyReport.Check> checks = verifier.verify(store);
        assertThat(checks).allSatisfy(c -> assertThat(c.ok()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(checks).filteredOn(c -> c.name().equals("media pokedex-cries")).singleElement()
                .satisfies(c -> assertThat(c.detail()).as("says where the objects are").contains(" stored in " + store.describe() + " ("));

        Files.delete(store.file(Asset.CRIES_BUCKET, "cries/pokemon/latest/25.ogg"));
        List<VerifyReport.Check> after = verifier.verify(store);
        assertThat(after).filteredOn(c -> c.name().equals("media deep")).singleElement()
                .satisfies(c -> assertThat(c.ok()).isFalse())
                .satisfies(c -> assertThat(c.detail()).contains("cries/pokemon/latest/25.ogg").contains("gone"));

        MirrorReport repair = mirror(store);
        assertThat(repair.totalStored()).as("the deleted object is mirrored again").isEqualTo(1);
        assertThat(verifier.verify(store)).allSatisfy(c -> assertThat(c.ok()).as(c.detail()).isTrue());
    }

    @Test
    void dry_run_reports_what_would_be_copied_and_writes_nothing() throws Exception {
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        MirrorReport r = mirror(store, new FolderAssetSource(SPRITES, 4, 1 << 20), new FolderAssetSource(CRIES, 4, 1 << 20),
                new MirrorOptions(4, 1 << 20, false, true));
        long bytes = fixtureFiles(SPRITES).values().stream().mapToLong(b -> b.length).sum()
                + fixtureFiles(CRIES).values().stream().mapToLong(b -> b.length).sum();
        assertThat(r.buckets().values().stream().mapToLong(MirrorReport.Counts::bytes).sum()).isEqualTo(bytes);
        assertThat(tmp.resolve("storage")).doesNotExist();
        assertThat(statusCounts()).containsOnlyKeys("pending");
    }

    @Test
    void a_refresh_that_builds_the_manifest_leaves_planner_statistics() throws Exception {
        // @BeforeEach emptied the tables (which drops their statistics) and refreshed: the refresh analyzed
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT reltuples, (SELECT count(*) FROM pokepedia_assets) FROM pg_class WHERE oid = 'pokepedia_assets'::regclass")) {
            rs.next();
            assertThat(rs.getDouble(1)).as("rows the planner expects").isEqualTo(rs.getLong(2));
        }
    }

    @Test
    void a_rerun_takes_files_whose_stamp_is_unchanged_without_reading_them_and_rehash_reads_them_again() throws Exception {
        Path src = tmp.resolve("sprites");
        copyTree(SPRITES, src);
        Clock later = Clock.offset(Clock.systemUTC(), java.time.Duration.ofSeconds(10)); // the copies count as settled
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        long stored = mirror(store, new FolderAssetSource(src, 4, 1 << 20, later), new FolderAssetSource(CRIES, 4, 1 << 20, later),
                MirrorOptions.defaults()).totalStored();
        assertThat(stamped("pokedex-sprites")).isEqualTo(fixtureFiles(SPRITES).size());
        // why: a manifest that no longer matches the file shows whether the rerun read it: only a read notices
        String path = fixtureFiles(SPRITES).keySet().iterator().next();
        String real = sha256Of("pokedex-sprites", path);
        setSha("pokedex-sprites", path, "0".repeat(64));

        MirrorReport trusting = mirror(store, new FolderAssetSource(src, 4, 1 << 20, later), new FolderAssetSource(CRIES, 4, 1 << 20, later),
                MirrorOptions.defaults());
        assertThat(trusting.totalUnchanged()).isEqualTo(stored);
        assertThat(sha256Of("pokedex-sprites", path)).as("not read: the stamp vouched for it").isEqualTo("0".repeat(64));

        MirrorReport rehashed = mirror(store, new FolderAssetSource(src, 4, 1 << 20, later), new FolderAssetSource(CRIES, 4, 1 << 20, later),
                new MirrorOptions(4, 1 << 20, false, false, true));
        assertThat(rehashed.totalStored()).as("the object in storage is intact, so nothing is uploaded").isZero();
        assertThat(sha256Of("pokedex-sprites", path)).as("--rehash read the file").isEqualTo(real);
    }

    @Test
    void a_file_rewritten_in_place_with_its_old_size_and_modification_time_is_read_and_stored_again() throws Exception {
        Path src = tmp.resolve("sprites");
        copyTree(SPRITES, src);
        Clock later = Clock.offset(Clock.systemUTC(), java.time.Duration.ofSeconds(10));
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        mirror(store, new FolderAssetSource(src, 4, 1 << 20, later), new FolderAssetSource(CRIES, 4, 1 << 20, later), MirrorOptions.defaults());
        String path = fixtureFiles(SPRITES).keySet().iterator().next();
        Path file;
        try (Stream<Path> s = Files.walk(src)) {
            file = s.filter(p -> p.toString().endsWith(path)).findFirst().orElseThrow();
        }
        // as `cp -p` over an npm package's file does: new bytes, same size, the old modification time put back
        var mtime = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x5a;
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, mtime);

        AtomicInteger puts = new AtomicInteger();
        MirrorReport r = mirror(counting(store, puts, Integer.MAX_VALUE), new FolderAssetSource(src, 4, 1 << 20, later),
                new FolderAssetSource(CRIES, 4, 1 << 20, later), MirrorOptions.defaults());
        assertThat(r.totalStored()).isEqualTo(1);
        assertThat(puts).hasValue(1);
        assertThat(store.get("pokedex-sprites", path)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
        assertThat(sha256Of("pokedex-sprites", path)).isEqualTo(dev.pokepedia.corpus.internal.Canonicalizer.sha256(bytes));
    }

    @Test
    void files_changed_within_the_last_seconds_get_no_stamp_so_the_next_run_reads_them() throws Exception {
        Path src = tmp.resolve("sprites");
        copyTree(SPRITES, src); // just written: a change in the same clock tick could still follow unseen
        FolderObjectStore store = new FolderObjectStore(tmp.resolve("storage"));
        MirrorReport r = mirror(store, new FolderAssetSource(src, 4, 1 << 20), new FolderAssetSource(CRIES, 4, 1 << 20), MirrorOptions.defaults());
        assertThat(r.totalStored()).isPositive();
        assertThat(stamped("pokedex-sprites")).isZero();
        assertThat(stamped("pokedex-cries")).as("the checked-out cries settled long ago").isEqualTo(fixtureFiles(CRIES).size());
    }

    // -------------------------------------------------------------------------------------------------------

    private long stamped(String bucket) throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pokepedia_assets WHERE status = 'stored' AND source_stamp IS NOT NULL AND bucket = '" + bucket + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String sha256Of(String bucket, String path) throws SQLException {
        try (Connection c = db.database().connection();
             var ps = c.prepareStatement("SELECT sha256 FROM pokepedia_assets WHERE bucket = ? AND path = ?")) {
            ps.setString(1, bucket);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void setSha(String bucket, String path, String sha) throws SQLException {
        try (Connection c = db.database().connection();
             var ps = c.prepareStatement("UPDATE pokepedia_assets SET sha256 = ? WHERE bucket = ? AND path = ?")) {
            ps.setString(1, sha);
            ps.setString(2, bucket);
            ps.setString(3, path);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Delegates to a store, counting puts, and dies (like a killed process) once {@code dieAfter} puts were made. */
    @Test
    void a_run_against_another_storage_fills_it_though_the_manifest_says_stored() throws Exception {
        int total = fixtureFiles(SPRITES).size() + fixtureFiles(CRIES).size();
        mirror(new FolderObjectStore(tmp.resolve("first")));
        FolderObjectStore second = new FolderObjectStore(tmp.resolve("second"));

        // the move is interrupted: the new storage refuses two writes
        AtomicInteger puts = new AtomicInteger();
        MirrorReport interrupted = mirror(refusing(second, puts, 2));
        assertThat(interrupted.totalFailed()).isEqualTo(2);
        assertThat(manifest.storageTarget()).as("an incomplete move keeps the old storage on record")
                .contains(new FolderObjectStore(tmp.resolve("first")).describe());

        // the rerun checks again and writes only what the new storage still lacks
        AtomicInteger rerunPuts = new AtomicInteger();
        MirrorReport rerun = mirror(counting(second, rerunPuts, Integer.MAX_VALUE));
        assertThat(rerunPuts.get()).isEqualTo(2);
        assertThat(rerun.totalFailed()).isZero();
        assertThat(manifest.storageTarget()).contains(second.describe());
        for (var f : fixtureFiles(SPRITES).entrySet()) {
            assertThat(second.get("pokedex-sprites", f.getKey())).as(f.getKey()).hasValueSatisfying(b -> assertThat(b).isEqualTo(f.getValue()));
        }
        for (var f : fixtureFiles(CRIES).entrySet()) {
            assertThat(second.get("pokedex-cries", f.getKey())).as(f.getKey()).hasValueSatisfying(b -> assertThat(b).isEqualTo(f.getValue()));
        }
        assertThat(statusCounts()).containsEntry("stored", (long) total);

        // once moved, the manifest is trusted again: nothing is written
        AtomicInteger settledPuts = new AtomicInteger();
        MirrorReport settled = mirror(counting(second, settledPuts, Integer.MAX_VALUE));
        assertThat(settledPuts.get()).isZero();
        assertThat(settled.totalUnchanged()).isEqualTo(total);
    }

    @Test
    void stored_rows_from_before_storages_were_recorded_are_checked_against_the_storage_once() throws Exception {
        int total = fixtureFiles(SPRITES).size() + fixtureFiles(CRIES).size();
        mirror(new FolderObjectStore(tmp.resolve("first")));
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM pokepedia_asset_storage"); // as a manifest written before V203 looks
        }
        FolderObjectStore second = new FolderObjectStore(tmp.resolve("second"));

        AtomicInteger puts = new AtomicInteger();
        mirror(counting(second, puts, Integer.MAX_VALUE));
        AtomicInteger again = new AtomicInteger();
        mirror(counting(second, again, Integer.MAX_VALUE));

        assertThat(puts.get()).as("nothing was in the storage this run wrote to").isEqualTo(total);
        assertThat(again.get()).isZero();
        assertThat(manifest.storageTarget()).contains(second.describe());
    }

    /** Counts writes; the one after {@code dieAfter} is a simulated kill of the whole run. */
    private static ObjectStore counting(ObjectStore inner, AtomicInteger puts, int dieAfter) {
        return new HookedStore(inner, () -> {
            if (puts.incrementAndGet() > dieAfter) { // atomic: sprites and cries put from different threads
                puts.decrementAndGet();
                throw new Error("simulated kill");
            }
        });
    }

    /** Refuses the first {@code refusals} writes as a full or unreachable storage would, then passes them on. */
    private static ObjectStore refusing(ObjectStore inner, AtomicInteger puts, int refusals) {
        return new HookedStore(inner, () -> {
            if (puts.incrementAndGet() <= refusals) {
                throw new StorageException("refused a write", "test", false, null);
            }
        });
    }

    /** Passes everything to {@code inner}; {@code beforePut} sees each write first and may throw instead. */
    private record HookedStore(ObjectStore inner, Runnable beforePut) implements ObjectStore {
        public void ensureBucket(String bucket) {
            inner.ensureBucket(bucket);
        }

        public void put(String bucket, String path, byte[] content, String contentType, String sha256) {
            beforePut.run();
            inner.put(bucket, path, content, contentType, sha256);
        }

        public Optional<StoredObject> head(String bucket, String path) {
            return inner.head(bucket, path);
        }

        public Optional<byte[]> get(String bucket, String path) {
            return inner.get(bucket, path);
        }

        public void delete(String bucket, String path) {
            inner.delete(bucket, path);
        }

        public String describe() {
            return inner.describe();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static Path tarGz(Path dir, Path out, Map<String, String> extra) throws IOException {
        try (OutputStream o = Files.newOutputStream(out); var tar = new TarArchiveOutputStream(new GZIPOutputStream(o))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : extra.entrySet()) {
                byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry te = new TarArchiveEntry(e.getKey(), true);
                te.setSize(b.length);
                tar.putArchiveEntry(te);
                tar.write(b);
                tar.closeArchiveEntry();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    TarArchiveEntry te = new TarArchiveEntry(p.toFile(), "top/" + dir.relativize(p));
                    tar.putArchiveEntry(te);
                    Files.copy(p, tar);
                    tar.closeArchiveEntry();
                }
            }
        }
        return out;
    }
}
