package dev.pokepedia.syncclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real client process killed with SIGKILL mid-write and mid-push, then the store reopened. */
class CrashSafetyIT {

    @TempDir
    Path dir;

    static Process child(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static void sigkill(Process p) throws Exception {
        p.destroyForcibly(); // SIGKILL on Linux
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("killed by signal 9").isEqualTo(137);
    }

    @Test
    void killed_mid_write_loses_no_acknowledged_change_and_invents_no_operation() throws Exception {
        Path file = dir.resolve("store.db");
        // why a file, not a pipe: the JDK closes a killed process's pipes, and lines the child printed just before
        // the kill (each one an acknowledged write) must still be read; CI once saw 168 entities after 'saved 150'
        Path out = dir.resolve("child.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), "write",
                file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out.toFile()).start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> lastSaved(out) >= 150 || !p.isAlive());
            assertThat(p.isAlive()).as("the child is still writing when killed").isTrue();
            sigkill(p);
        } finally {
            p.destroyForcibly();
        }
        int last = lastSaved(out);
        try (LocalStore s = LocalStore.open(file, EntityRegistry.reference())) {
            Set<String> entities = new HashSet<>();
            for (String type : List.of("players", "teams")) {
                s.query(Query.of(type).page(100_000, 0)).forEach(e -> entities.add(type + "/" + e.id()));
            }
            for (int i = 0; i <= last; i++) {
                if (i % 10 == 9) {
                    assertThat(entities).contains("teams/t" + i + "a", "teams/t" + i + "b");
                } else {
                    assertThat(entities).contains("players/p" + i);
                }
            }
            List<OutboxOp> ops = s.outbox().list();
            Set<String> opKeys = new HashSet<>();
            ops.forEach(o -> opKeys.add(o.type() + "/" + o.entityId()));
            assertThat(opKeys).as("one op per saved entity, none for anything else").isEqualTo(entities);
            assertThat(ops).hasSize(entities.size()).allMatch(o -> o.status() == OpStatus.PENDING);
            // at most the one write in flight at the kill can be there without its "saved" line
            assertThat(entities.size()).isBetween(expected(last), expected(last + 1));
            assertThat(s.verifyIntegrity().issues()).isEmpty();
        }
    }

    /** The highest "saved N" line the child printed (-1 before the first). */
    private static int lastSaved(Path out) throws java.io.IOException {
        int last = -1;
        for (String line : java.nio.file.Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (line.matches("saved [0-9]+")) { // why: the kill may cut the last line short
                last = Math.max(last, Integer.parseInt(line.substring("saved ".length())));
            }
        }
        return last;
    }

    private static int expected(int last) {
        int n = 0;
        for (int i = 0; i <= last; i++) {
            n += i % 10 == 9 ? 2 : 1;
        }
        return n;
    }

    @Test
    void killed_mid_push_resends_on_restart_and_nothing_is_applied_twice() throws Exception {
        Path file = dir.resolve("store.db");
        try (LocalStore s = LocalStore.open(file, EntityRegistry.reference())) {
            List<LocalStore.Write> writes = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                writes.add(new LocalStore.Write(i % 2 == 0 ? "players" : "teams", J.o("{'id':'e" + i + "'}")));
            }
            s.bulkSave(writes);
        }
        try (TestSyncServer server = TestSyncServer.start("tok")) {
            server.holdAfterApply = new CountDownLatch(1); // the first push is applied, its answer never arrives
            Process p = child("push", file.toString(), server.uri().toString(), "tok");
            assertThat(server.pushArrived.await(30, TimeUnit.SECONDS)).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.appliedOps.get() == 100);
            sigkill(p);
            server.holdAfterApply.countDown();
            server.holdAfterApply = null;

            try (LocalStore s = LocalStore.open(file, EntityRegistry.reference())) {
                assertThat(s.outbox().list(OpStatus.SYNCING)).isEmpty();
                assertThat(s.outbox().list(OpStatus.PENDING)).hasSize(120);
                SyncConfig cfg = SyncConfig.defaults(server.uri(), () -> "tok").withAutoSync(false);
                try (SyncClient c = SyncClient.create(s, cfg)) {
                    SyncResult r = c.sync();
                    assertThat(r.pushed()).isEqualTo(120);
                    assertThat(r.conflicts()).isZero();
                }
                assertThat(server.appliedOps.get()).as("the 100 applied before the kill are answered from the op-id record").isEqualTo(120);
                assertThat(s.outbox().list(OpStatus.COMPLETED)).hasSize(120);
                assertThat(server.liveRows("players").size() + server.liveRows("teams").size()).isEqualTo(120);
                assertThat(server.row("players", "e0").version()).isEqualTo(1);
            }
        }
    }
}
