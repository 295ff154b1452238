package dev.pokepedia.syncclient;

import static dev.pokepedia.syncclient.J.o;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.testkit.SettableClock;
import dev.pokepedia.syncclient.SyncClientException.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupsAndLogsTest {

    @TempDir
    Path dir;

    final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));

    LocalStore store(String name) {
        return LocalStore.open(dir.resolve(name), EntityRegistry.reference(), StoreOptions.defaults().withClock(clock));
    }

    static void fill(LocalStore s, int n) {
        List<LocalStore.Write> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            w.add(new LocalStore.Write(i % 3 == 0 ? "teams" : "players", o("{'id':'e" + i + "','n':" + i + "}")));
        }
        s.bulkSave(w);
    }

    @Test
    void a_backup_restores_into_a_fresh_store_and_is_pushed_as_one_batch() {
        Path file = dir.resolve("b.pkbackup");
        try (LocalStore a = store("a.db")) {
            fill(a, 100);
            Backups.BackupInfo info = new Backups(a, dir.resolve("bk")).createBackup(file);
            assertThat(info.entities()).isEqualTo(100);
            assertThat(info.counts()).containsEntry("teams", 34L).containsEntry("players", 66L);
        }
        try (LocalStore b = store("b.db"); TestSyncServer server = TestSyncServer.start("t")) {
            assertThat(new Backups(b, dir.resolve("bk")).restoreBackup(file)).isEqualTo(100);
            assertThat(b.query(Query.of("players").page(1000, 0))).hasSize(66);
            assertThat(b.get("teams", "e3").orElseThrow().payload().get("n").asInt()).isEqualTo(3);
            try (SyncClient c = SyncClient.create(b, SyncConfig.defaults(server.uri(), () -> "t").withAutoSync(false).withBatchSize(100))) {
                assertThat(c.sync().pushed()).isEqualTo(100);
            }
            assertThat(server.pushRequests.get()).isEqualTo(1);
        }
    }

    @Test
    void a_corrupted_a_truncated_and_a_newer_backup_are_refused_and_nothing_is_written() throws Exception {
        Path file = dir.resolve("b.pkbackup");
        try (LocalStore a = store("a.db")) {
            fill(a, 20);
            new Backups(a, dir).createBackup(file);
        }
        byte[] good = Files.readAllBytes(file);
        Path corrupt = dir.resolve("corrupt.pkbackup");
        byte[] bad = good.clone();
        bad[bad.length - 10] = (byte) (bad[bad.length - 10] == 'x' ? 'y' : 'x');
        Files.write(corrupt, bad);
        Path truncated = dir.resolve("truncated.pkbackup");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 100));
        Path newer = dir.resolve("newer.pkbackup");
        Files.writeString(newer, new String(good, StandardCharsets.UTF_8).replaceFirst("\"schema_version\":1", "\"schema_version\":7"));
        try (LocalStore b = store("b.db")) {
            Backups backups = new Backups(b, dir);
            assertThatThrownBy(() -> backups.restoreBackup(corrupt)).isInstanceOfSatisfying(SyncClientException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_INVALID)).hasMessageContaining("checksum mismatch");
            assertThatThrownBy(() -> backups.restoreBackup(truncated)).hasMessageContaining("truncated");
            assertThatThrownBy(() -> backups.restoreBackup(newer)).hasMessageContaining("schema version 7");
            Path empty = Files.write(dir.resolve("empty.pkbackup"), new byte[0]);
            assertThatThrownBy(() -> backups.restoreBackup(empty)).hasMessageContaining("no header line");
            assertThat(b.stats().rowsPerType().values().stream().mapToLong(Long::longValue).sum()).isZero();
            assertThat(b.outbox().list()).isEmpty();
            assertThat(backups.restoreBackup(file)).isEqualTo(20);
        }
    }

    @Test
    void scheduled_backups_keep_the_newest_and_skip_when_the_disk_is_too_full() {
        try (LocalStore a = store("a.db")) {
            fill(a, 5);
            Backups backups = Backups.beside(a);
            assertThat(backups.backupInfo().exists()).isFalse();
            for (int i = 0; i < 4; i++) {
                assertThat(backups.runScheduled(2, 0)).isPresent();
                clock.advance(Duration.ofMinutes(1));
            }
            assertThat(backups.list()).hasSize(2);
            Backups.BackupInfo info = backups.backupInfo();
            assertThat(info.exists()).isTrue();
            assertThat(info.age()).contains(Duration.ofMinutes(1));
            assertThat(info.entities()).isEqualTo(5);
            assertThat(backups.runScheduled(2, Long.MAX_VALUE / 4)).as("free-space guard").isEmpty();
            assertThat(backups.list()).hasSize(2);
        }
    }

    @Test
    void logs_keep_the_last_500_and_ship_each_once_as_usage_logs() {
        try (LocalStore a = store("a.db"); TestSyncServer server = TestSyncServer.start("t")) {
            ClientLog log = new ClientLog(a);
            for (int i = 0; i < 505; i++) {
                log.warn("ctx", "warning " + i);
            }
            log.logApiCall("gemini", "generate", 10, Map.of("prompt", "hi"));
            List<ClientLog.Record> recent = log.recent(1000);
            assertThat(recent).hasSize(500);
            assertThat(recent.get(0).provider()).contains("gemini");
            assertThat(a.verifyIntegrity().healthy()).isTrue();
            try (SyncClient c = SyncClient.create(a, SyncConfig.defaults(server.uri(), () -> "t").withAutoSync(false).withBatchSize(200))) {
                assertThat(c.sync().pushed()).isEqualTo(506);
                assertThat(c.sync().pushed()).isZero();
            }
            assertThat(server.liveRows("usage_logs")).hasSize(506)
                    .anyMatch(r -> r.payload().path("credits_consumed").asDouble() == 10.0 && r.payload().path("metadata").path("prompt").asText().equals("hi"));
            assertThat(a.stats().rowsPerType().get("usage_logs")).as("shipped logs are not pulled back").isZero();
        }
    }
}
