package dev.pokepedia.app;

import static dev.pokepedia.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.media.internal.FolderObjectStore;
import dev.pokepedia.testkit.FixtureFileServer;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `pokepedia media` under faults, as a user runs it: killed with SIGKILL mid-mirror, and a storage disk that fills up. */
class MediaFaultsIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static final Path CORPUS = SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz");
    private static final Path MEDIA = SharedData.repoRoot().resolve("media/src/test/resources/fixtures/media");

    @TempDir
    Path tmp;

    @BeforeEach
    void corpusWithAnEmptyManifest() throws Exception {
        assertThat(run("import", "--db", db.config().jdbcUrl(), "--source", CORPUS.toString()).exit()).isZero();
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE pokepedia_assets, pokepedia_asset_refs, pokepedia_asset_scans, pokepedia_asset_storage");
        }
    }

    @Test
    void media_killed_mid_mirror_resumes_without_writing_again_what_it_had_written() throws Exception {
        Map<String, byte[]> files = fixtureFiles();
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger held = new AtomicInteger();
        int servedBeforeHold = 4;
        FixtureFileServer server = FixtureFileServer.start(files, (path, ex) -> {
            if (files.containsKey(path) && served.incrementAndGet() > servedBeforeHold) {
                held.incrementAndGet();
                try {
                    released.await(); // why: keeps the child mid-mirror until it is killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        });
        String base = server.base() + "/";
        Path storage = tmp.resolve("storage");
        List<String> args = List.of("media", "--db", db.config().jdbcUrl(), "--storage", storage.toUri().toString(),
                "--sprites-source", base, "--cries-source", base, "--concurrency", "2");
        try {
            killMidMirror(args, storage, servedBeforeHold, held);
            Map<String, Object> before = objects(storage);
            assertThat(before).hasSize(servedBeforeHold);
            released.countDown();

            CliRun rerun = run(args.toArray(String[]::new));

            assertThat(rerun.exit()).as(rerun.out()).isZero();
            Map<String, Object> after = objects(storage);
            assertThat(after).hasSize(files.size());
            before.forEach((path, fileKey) -> assertThat(after.get(path)).as("%s was not written again", path).isEqualTo(fileKey));
            for (var f : files.entrySet()) {
                String bucket = f.getKey().startsWith("cries/") ? "pokedex-cries" : "pokedex-sprites";
                assertThat(Files.readAllBytes(storage.resolve(bucket).resolve(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue());
            }
            assertThat(statusCount("stored")).isEqualTo(files.size());
            assertThat(statusCount("failed") + statusCount("pending")).isZero();
        } finally {
            released.countDown();
            server.close();
        }
    }

    @Test
    void a_full_storage_disk_fails_with_the_asset_path_records_nothing_unstored_and_a_rerun_with_room_finishes() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("small-disk"));
        // why: a real full file system, not a simulated exception; needs root (CI runs as root), skipped elsewhere
        Assumptions.assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", mount.toString()) == 0,
                "cannot mount a small tmpfs here (not root?)");
        try {
            Map<String, byte[]> files = fixtureFiles();
            List<String> args = List.of("media", "--db", db.config().jdbcUrl(), "--storage", mount.toUri().toString(),
                    "--sprites-source", MEDIA.resolve("sprites-mini").toString(), "--cries-source", MEDIA.resolve("cries-mini").toString(),
                    "--concurrency", "1"); // why: at most two objects in flight, and any two fit, so some are stored

            CliRun full = run(args.toArray(String[]::new));

            assertThat(full.exit()).as(full.out()).isEqualTo(4);
            assertThat(full.out()).containsPattern("failed  Cannot write pokedex-(sprites|cries)/[^ ]+ under " + mount
                    + ": No space left on device — The disk is full: free space, then rerun");
            long stored = statusCount("stored");
            assertThat(stored).as("some objects fit").isPositive().isLessThan(files.size());
            assertThat(statusCount("failed")).isEqualTo(files.size() - stored);
            try (Connection c = db.database().connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT bucket, path FROM pokepedia_assets WHERE status = 'stored'")) {
                while (rs.next()) {
                    Path object = mount.resolve(rs.getString(1)).resolve(rs.getString(2));
                    assertThat(Files.readAllBytes(object)).as("recorded stored, so it is there whole").isEqualTo(files.get(rs.getString(2)));
                }
            }
            Map<String, Object> before = objects(mount);
            assertThat(before).hasSize((int) stored);
            assertThat(sh("mount", "-o", "remount,size=4m", mount.toString())).isZero();

            CliRun rerun = run(args.toArray(String[]::new));

            assertThat(rerun.exit()).as(rerun.out()).isZero();
            assertThat(statusCount("stored")).isEqualTo(files.size());
            Map<String, Object> after = objects(mount);
            assertThat(after).hasSize(files.size());
            before.forEach((path, fileKey) -> assertThat(after.get(path)).as("%s was not written again", path).isEqualTo(fileKey));
        } finally {
            sh("umount", mount.toString());
        }
    }

    /**
     * Starts {@code pokepedia media} as a child process, waits until it wrote {@code written} objects and a request is held,
     * and kills it with SIGKILL. Returns the name the child gave its first temporary upload file.
     */
    private String killMidMirror(List<String> args, Path storage, int written, AtomicInteger held) throws Exception {
        Path log = tmp.resolve("child.log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String uploadName;
        try {
            uploadName = FolderObjectStore.uploadFileName(child.toHandle(), 1).orElseThrow();
            await("the child wrote what it was served and waits for more").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !child.isAlive() || (objects(storage).size() >= written && held.get() > 0));
            assertThat(child.isAlive()).as("the child is mid-mirror when killed; its log:%n%s", Files.readString(log)).isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return uploadName;
    }

    @Test
    void a_temporary_file_a_killed_media_left_is_listed_by_verify_deep_and_removed_by_the_next_run_but_a_live_writers_is_kept()
            throws Exception {
        Map<String, byte[]> files = fixtureFiles();
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger held = new AtomicInteger();
        FixtureFileServer server = FixtureFileServer.start(files, (path, ex) -> {
            if (files.containsKey(path) && served.incrementAndGet() > 2) {
                held.incrementAndGet();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        });
        Path storage = tmp.resolve("storage");
        String base = server.base() + "/";
        List<String> args = List.of("media", "--db", db.config().jdbcUrl(), "--storage", storage.toUri().toString(),
                "--sprites-source", base, "--cries-source", base, "--concurrency", "1");
        String[] verify = {"verify", "--db", db.config().jdbcUrl(), "--deep", "--storage", storage.toUri().toString()};
        try {
            String childsName = killMidMirror(args, storage, 2, held);
            // why: the kill lands while the child waits for bytes, not inside its few-millisecond write, so the file that
            // write would have left is put where and as the killed child names it (its pid and start time)
            Path uploads = Files.createDirectories(storage.resolve("pokedex-sprites").resolve(FolderObjectStore.UPLOADS));
            Path cut = leftover(uploads.resolve(childsName), 98_304);
            Path live = leftover(uploads.resolve(FolderObjectStore.uploadFileName(ProcessHandle.current(), 1).orElseThrow()), 10);
            Path earlierName = leftover(Files.createDirectories(storage.resolve("pokedex-cries")).resolve(".upload-" + childsName.split("-")[1] + "-9.tmp"), 98_304);
            released.countDown();

            CliRun before = run(verify);

            assertThat(before.exit()).as(before.out()).isEqualTo(6);
            assertThat(before.out()).contains("✗ media leftovers").contains("2 temporary upload files (196608 bytes)")
                    .contains("pokedex-sprites/.uploads/" + childsName).contains("pokedex-cries/" + earlierName.getFileName())
                    .doesNotContain(live.getFileName().toString());

            CliRun rerun = run(args.toArray(String[]::new));

            assertThat(rerun.exit()).as(rerun.out()).isZero();
            assertThat(rerun.out()).contains("removed 1 temporary upload files left by killed runs (98304 bytes)");
            assertThat(cut).doesNotExist();
            assertThat(live).as("a writer that is alive keeps its upload").exists();
            assertThat(earlierName).as("names of earlier versions are only reported").exists();
            assertThat(objects(storage)).hasSize(files.size());
            assertThat(run(verify).out()).contains("1 temporary upload files (98304 bytes)").contains("delete them by hand");

            Files.delete(earlierName);
            assertThat(run(verify).out()).containsPattern("✓ media leftovers +no temporary upload files left behind");
        } finally {
            released.countDown();
            server.close();
        }
    }

    /** A temporary upload file of {@code bytes}, last written two seconds ago. */
    private static Path leftover(Path f, int bytes) throws IOException {
        Files.write(f, new byte[bytes]);
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(2)));
        return f;
    }

    private static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private long statusCount(String status) throws Exception {
        try (Connection c = db.database().connection();
             var ps = c.prepareStatement("SELECT count(*) FROM pokepedia_assets WHERE status = ?")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The fixture files by repository path ("sprites/…", "cries/…"). */
    private static Map<String, byte[]> fixtureFiles() throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        for (String dir : List.of("sprites-mini", "cries-mini")) {
            Path root = MEDIA.resolve(dir);
            try (Stream<Path> s = Files.walk(root)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String rel = root.relativize(f).toString(); // e.g. package/sprites/…, cries-2024-01-24/cries/…
                    out.put(rel.substring(rel.indexOf(dir.startsWith("sprites") ? "sprites/" : "cries/")), Files.readAllBytes(f));
                }
            }
        }
        return out;
    }

    /** Every object file under a storage folder (not temporary dot-files), with its file key (inode): a rewrite changes it. */
    private static Map<String, Object> objects(Path storage) throws IOException {
        Map<String, Object> out = new TreeMap<>();
        if (!Files.isDirectory(storage)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(storage)) {
            for (Path f : s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                out.put(storage.relativize(f).toString(), Files.readAttributes(f, BasicFileAttributes.class).fileKey());
            }
        }
        return out;
    }
}
