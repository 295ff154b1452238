package dev.pokepedia.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.media.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderObjectStoreTest {

    @TempDir
    Path tmp;

    @Test
    void names_the_folder_the_same_before_and_after_it_exists() throws Exception {
        Path root = tmp.resolve("storage");
        String before = new FolderObjectStore(root).describe();
        Files.createDirectories(root);
        String after = new FolderObjectStore(root).describe();

        assertThat(before).isEqualTo(after).isEqualTo(root.toUri().toString().replaceAll("/$", ""));
    }

    @Test
    void the_file_system_root_keeps_its_slash() {
        assertThat(new FolderObjectStore(Path.of("/")).describe()).isEqualTo("file:///");
    }

    private static final Instant RUN_START = Instant.now();

    /** A temp file as {@code writer} names it, last written {@code age} before the run started. */
    private Path upload(Path root, String name, Duration age, int bytes) throws Exception {
        Path f = Files.createDirectories(root.resolve("pokedex-sprites").resolve(FolderObjectStore.UPLOADS)).resolve(name);
        Files.write(f, new byte[bytes]);
        Files.setLastModifiedTime(f, FileTime.from(RUN_START.minus(age)));
        return f;
    }

    private static ProcessHandle deadProcess() throws Exception {
        Process p = new ProcessBuilder("true").start();
        ProcessHandle h = p.toHandle();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return h;
    }

    @Test
    void a_put_leaves_no_temporary_file_and_writes_it_under_uploads_named_for_its_writer() throws Exception {
        Path root = tmp.resolve("storage");
        FolderObjectStore store = new FolderObjectStore(root);
        store.put("pokedex-sprites", "sprites/pokemon/25.png", new byte[] {1, 2, 3}, "image/png", "x");

        assertThat(Files.readAllBytes(root.resolve("pokedex-sprites/sprites/pokemon/25.png"))).containsExactly(1, 2, 3);
        try (var s = Files.list(root.resolve("pokedex-sprites").resolve(FolderObjectStore.UPLOADS))) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(store.list("pokedex-sprites")).containsOnlyKeys("sprites/pokemon/25.png");
        assertThat(FolderObjectStore.uploadFileName(ProcessHandle.current(), 7).orElseThrow())
                .matches("^\\.[0-9a-f]{8}-" + ProcessHandle.current().pid() + "-[0-9]+-7\\.tmp$");
    }

    @Test
    void removes_an_upload_of_a_process_that_is_gone_and_keeps_one_of_a_live_writer() throws Exception {
        Path root = tmp.resolve("storage");
        FolderObjectStore store = new FolderObjectStore(root);
        ProcessHandle dead = deadProcess();
        // why: the dead child's start time is gone with it; its name carries what it would have written
        String deadName = "." + FolderObjectStore.uploadFileName(ProcessHandle.current(), 1).orElseThrow().split("-")[0].substring(1)
                + "-" + dead.pid() + "-" + Instant.now().toEpochMilli() + "-1.tmp";
        Path killed = upload(root, deadName, Duration.ofSeconds(5), 98_304);
        Path live = upload(root, FolderObjectStore.uploadFileName(ProcessHandle.current(), 1).orElseThrow(), Duration.ofHours(3), 10);
        Path fresh = upload(root, deadName.replace("-1.tmp", "-2.tmp"), Duration.ofSeconds(-1), 10); // written after the run began

        assertThat(store.abandonedUploads(RUN_START, false)).extracting(ObjectStore.Leftover::path, ObjectStore.Leftover::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(root.relativize(killed).toString(), 98_304L));
        assertThat(store.removeAbandonedUploads(RUN_START)).hasSize(1);

        assertThat(killed).doesNotExist();
        assertThat(live).exists();
        assertThat(fresh).exists();
    }

    @Test
    void an_upload_whose_pid_now_belongs_to_another_process_is_abandoned() throws Exception {
        Path root = tmp.resolve("storage");
        String mine = FolderObjectStore.uploadFileName(ProcessHandle.current(), 1).orElseThrow();
        String[] parts = mine.split("-"); // .scope, pid, start, n.tmp
        String reused = String.join("-", parts[0], parts[1], Long.toString(Long.parseLong(parts[2]) - 3_600_000), parts[3]);
        Path f = upload(root, reused, Duration.ofSeconds(5), 10);

        assertThat(new FolderObjectStore(root).removeAbandonedUploads(RUN_START)).hasSize(1);
        assertThat(f).doesNotExist();
    }

    @Test
    void an_upload_of_a_writer_on_another_machine_is_abandoned_only_after_a_day() throws Exception {
        Path root = tmp.resolve("storage");
        Path recent = upload(root, ".0123abcd-1-1700000000000-1.tmp", Duration.ofHours(2), 10);
        Path old = upload(root, ".0123abcd-1-1700000000000-2.tmp", Duration.ofDays(2), 10);
        FolderObjectStore store = new FolderObjectStore(root);
        assertThat(FolderObjectStore.uploadFileName(ProcessHandle.current(), 1).orElseThrow()).doesNotStartWith(".0123abcd-");

        store.removeAbandonedUploads(RUN_START);

        assertThat(recent).exists();
        assertThat(old).doesNotExist();
    }

    @Test
    void files_named_by_earlier_versions_beside_objects_are_found_by_a_walk_only() throws Exception {
        Path root = tmp.resolve("storage");
        Path dir = Files.createDirectories(root.resolve("pokedex-cries/cries/pokemon/latest"));
        Path leftover = Files.write(dir.resolve(".upload-" + deadProcess().pid() + "-3.tmp"), new byte[98_304]);
        Files.setLastModifiedTime(leftover, FileTime.from(RUN_START.minusSeconds(60)));
        Files.write(dir.resolve("25.ogg"), new byte[] {1});
        FolderObjectStore store = new FolderObjectStore(root);

        assertThat(store.abandonedUploads(RUN_START, false)).isEmpty();
        assertThat(store.abandonedUploads(RUN_START, true)).extracting(ObjectStore.Leftover::path)
                .containsExactly("pokedex-cries/cries/pokemon/latest/" + leftover.getFileName());
        assertThat(new FolderObjectStore(tmp.resolve("never-made")).abandonedUploads(RUN_START, true)).isEmpty();
    }

    @Test
    void a_temporary_name_another_writer_holds_is_skipped_and_that_file_is_left_alone() throws Exception {
        Path root = tmp.resolve("shared");
        Path uploads = Files.createDirectories(root.resolve("pokedex-sprites").resolve(".uploads"));
        // a second store of this process (as the sprite worker and a media run are) counts from 1 too
        Path other = Files.write(uploads.resolve(FolderObjectStore.uploadFileName(ProcessHandle.current(), 1).orElseThrow()),
                new byte[] {1, 2, 3});

        new FolderObjectStore(root).put("pokedex-sprites", "sprites/pokemon/1.png", new byte[] {9}, "image/png", "x");

        assertThat(Files.readAllBytes(root.resolve("pokedex-sprites/sprites/pokemon/1.png"))).containsExactly(9);
        assertThat(Files.readAllBytes(other)).as("the other writer's upload").containsExactly(1, 2, 3);
    }
}
