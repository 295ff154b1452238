package dev.pokepedia.syncclient;

import static dev.pokepedia.syncclient.J.o;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.testkit.SettableClock;
import dev.pokepedia.syncclient.SyncClientException.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {

    @TempDir
    Path dir;

    final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T12:00:00Z"));

    LocalStore open(Path file) {
        return LocalStore.open(file, EntityRegistry.reference(), StoreOptions.defaults().withClock(clock).withLockTimeout(Duration.ofMillis(600)));
    }

    @Test
    void saves_gets_queries_and_deletes_entities() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("players", o("{'id':'p1','name':'Ash','team_id':'t1','number':7}"));
            s.save("players", o("{'id':'p2','name':'Brock','team_id':'t1','number':3}"));
            s.save("players", o("{'id':'p3','name':'Misty','team_id':'t2','number':5}"));
            assertThat(s.get("players", "p1")).get().extracting(e -> e.payload().get("name").asText()).isEqualTo("Ash");
            assertThat(s.query(Query.of("players").where("team_id", "t1").orderBy("number", false)))
                    .extracting(Entity::id).containsExactly("p2", "p1");
            assertThat(s.query(Query.of("players").orderBy("name", true).page(1, 1))).extracting(Entity::id).containsExactly("p2");
            assertThat(s.query(Query.of("players").where("number", 5))).extracting(Entity::id).containsExactly("p3");
            assertThat(s.delete("players", "p2")).isTrue();
            assertThat(s.delete("players", "p2")).isFalse();
            assertThat(s.get("players", "p2")).isEmpty();
            StoreStats st = s.stats();
            assertThat(st.rowsPerType()).containsEntry("players", 2L).containsEntry("teams", 0L);
            assertThat(st.fileBytes()).isPositive();
            assertThat(s.verifyIntegrity().healthy()).isTrue();
        }
    }

    @Test
    void bulk_save_is_all_or_nothing_and_names_the_bad_item() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            assertThatThrownBy(() -> s.bulkSave("players", List.of(o("{'id':'p1'}"), o("{'name':'no id'}"))))
                    .isInstanceOf(SyncClientException.class).hasMessageContaining("item 1").hasMessageContaining("'id'");
            assertThat(s.get("players", "p1")).isEmpty();
            assertThat(s.outbox().list()).isEmpty();
            s.bulkSave("players", List.of(o("{'id':'p1'}"), o("{'id':'p2'}")));
            assertThat(s.outbox().list()).hasSize(2);
        }
    }

    @Test
    void refuses_unknown_type_with_the_known_ones() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            assertThatThrownBy(() -> s.save("pokemons", o("{'id':'x'}"))).hasMessageContaining("unknown entity type 'pokemons'")
                    .hasMessageContaining("players");
        }
    }

    @Test
    void coalesces_upsert_upsert_to_the_last() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("players", o("{'id':'p1','name':'a'}"));
            s.save("players", o("{'id':'p1','name':'b'}"));
            List<OutboxOp> ops = s.outbox().list();
            assertThat(ops).hasSize(1);
            assertThat(ops.get(0).payload().orElseThrow().get("name").asText()).isEqualTo("b");
        }
    }

    @Test
    void create_then_delete_before_any_push_leaves_nothing() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("players", o("{'id':'p1','name':'a'}"));
            s.delete("players", "p1");
            assertThat(s.outbox().list()).isEmpty();
        }
    }

    @Test
    void upsert_then_delete_of_a_synced_row_becomes_one_delete() throws Exception {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("players", o("{'id':'p1','name':'a'}"));
            OutboxOp first = s.outbox().list().get(0);
            s.db().tx("ack", c -> {
                s.ackApplied(c, first, 7);
                return null;
            });
            s.save("players", o("{'id':'p1','name':'b'}"));
            s.delete("players", "p1");
            List<OutboxOp> open = s.outbox().list(OpStatus.PENDING);
            assertThat(open).hasSize(1);
            assertThat(open.get(0).kind()).isEqualTo(OpKind.DELETE);
            assertThat(open.get(0).baseVersion()).isEqualTo(7);
        }
    }

    @Test
    void does_not_coalesce_into_an_operation_already_handed_to_a_push() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("players", o("{'id':'p1','name':'a'}"));
            long first = s.outbox().list().get(0).opId();
            s.outbox().markSyncing(List.of(first));
            s.save("players", o("{'id':'p1','name':'b'}"));
            s.delete("players", "p1");
            List<OutboxOp> ops = s.outbox().list();
            assertThat(ops).extracting(OutboxOp::kind).containsExactly(OpKind.UPSERT, OpKind.DELETE);
            assertThat(ops.get(1).opId()).isGreaterThan(first);
        }
    }

    @Test
    void pending_batched_groups_by_type_in_push_order_and_respects_retry_time() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("team_rosters", o("{'id':'r1','team_id':'t1'}"));
            s.save("players", o("{'id':'p1'}"));
            s.save("teams", o("{'id':'t1'}"));
            s.save("players", o("{'id':'p2'}"));
            s.save("players", o("{'id':'p3'}"));
            var batched = s.outbox().pendingBatched(2);
            assertThat(batched.keySet()).containsExactly("players", "teams", "team_rosters");
            assertThat(batched.get("players")).extracting(OutboxOp::entityId).containsExactly("p1", "p2");
            long p1 = batched.get("players").get(0).opId();
            s.outbox().markSyncing(List.of(p1));
            s.outbox().markFailed(List.of(p1), "boom", new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(60)),
                    new java.util.Random(1) {
                        @Override
                        public long nextLong(long bound) {
                            return bound - 1; // the ceiling of the jitter window: 10 s
                        }
                    }, false);
            assertThat(s.outbox().pendingBatched(10).get("players")).extracting(OutboxOp::entityId).containsExactly("p2", "p3");
            clock.advance(Duration.ofSeconds(10));
            assertThat(s.outbox().pendingBatched(10).get("players")).extracting(OutboxOp::entityId).containsExactly("p1", "p2", "p3");
            OutboxOp failed = s.outbox().list().stream().filter(o -> o.opId() == p1).findFirst().orElseThrow();
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.lastError()).contains("boom");
        }
    }

    @Test
    void refusals_become_failed_after_max_retries_and_retry_failed_requeues() {
        try (LocalStore s = open(dir.resolve("a.db"))) {
            s.save("players", o("{'id':'p1'}"));
            long id = s.outbox().list().get(0).opId();
            RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1));
            s.outbox().markFailed(List.of(id), "400", policy, new java.util.Random(), false);
            assertThat(s.outbox().count(OpStatus.PENDING)).isEqualTo(1);
            s.outbox().markFailed(List.of(id), "400", policy, new java.util.Random(), false);
            assertThat(s.outbox().count(OpStatus.FAILED)).isEqualTo(1);
            assertThat(s.outbox().retryFailed()).isEqualTo(1);
            assertThat(s.outbox().count(OpStatus.PENDING)).isEqualTo(1);
        }
    }

    @Test
    void operations_left_syncing_go_back_to_pending_on_open_and_op_ids_stay_monotonic() {
        Path f = dir.resolve("a.db");
        long first;
        try (LocalStore s = open(f)) {
            s.save("players", o("{'id':'p1'}"));
            first = s.outbox().list().get(0).opId();
            s.outbox().markSyncing(List.of(first));
        }
        try (LocalStore s = open(f)) {
            assertThat(s.outbox().list()).extracting(OutboxOp::status).containsExactly(OpStatus.PENDING);
            s.save("players", o("{'id':'p2'}"));
            assertThat(s.outbox().list().get(1).opId()).isGreaterThan(first);
        }
    }

    @Test
    void verify_integrity_reports_a_payload_changed_behind_its_back() throws Exception {
        Path f = dir.resolve("a.db");
        try (LocalStore s = open(f)) {
            s.save("players", o("{'id':'p1','name':'a'}"));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 2000");
                st.executeUpdate("UPDATE entities SET payload = '{\"id\":\"p1\",\"name\":\"evil\"}'");
                st.executeUpdate("INSERT INTO outbox (op_id, type, entity_id, kind, payload, base_version, hlc, status, attempts,"
                        + " next_attempt_at, created_at, updated_at) VALUES (999, 'teams', 'ghost', 'upsert', '{}', 0, '', 'pending', 0, 0, 0, 0)");
            }
            IntegrityReport r = s.verifyIntegrity();
            assertThat(r.healthy()).isFalse();
            assertThat(r.issues()).anyMatch(i -> i.contains("checksum mismatch: players/p1"))
                    .anyMatch(i -> i.contains("outbox op 999 upserts teams/ghost"));
        }
    }

    @Test
    void a_file_that_is_not_sqlite_is_a_clear_corrupt_error() throws Exception {
        Path f = dir.resolve("junk.db");
        Files.write(f, "this is not a database, just text that is long enough to be looked at as a header".repeat(100).getBytes());
        assertThatThrownBy(() -> open(f)).isInstanceOfSatisfying(SyncClientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_CORRUPT)).hasMessageContaining(f.toString());
    }

    @Test
    void another_apps_database_and_a_newer_schema_are_refused() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE x (a)");
        }
        assertThatThrownBy(() -> open(other)).isInstanceOfSatisfying(SyncClientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_CORRUPT)).hasMessageContaining("another application");
        Path newer = dir.resolve("newer.db");
        open(newer).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> open(newer)).isInstanceOfSatisfying(SyncClientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_TOO_NEW)).hasMessageContaining("schema version 99");
    }

    @Test
    void a_write_lock_held_by_another_connection_is_retried_then_a_clear_locked_error() throws Exception {
        Path f = dir.resolve("a.db");
        try (LocalStore s = open(f);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.save("players", o("{'id':'p1'}"))).isInstanceOfSatisfying(SyncClientException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_LOCKED)).hasMessageContaining("locked");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            st.execute("ROLLBACK");
            s.save("players", o("{'id':'p1'}"));
            assertThat(s.get("players", "p1")).isPresent();
        }
    }

    @Test
    void a_lock_released_while_retrying_lets_the_write_through() throws Exception {
        Path f = dir.resolve("a.db");
        try (LocalStore s = LocalStore.open(f, EntityRegistry.reference(), StoreOptions.defaults().withLockTimeout(Duration.ofSeconds(10)));
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = other.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            var save = java.util.concurrent.CompletableFuture.runAsync(() -> s.save("players", o("{'id':'p1'}")));
            org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !save.isDone());
            st.execute("ROLLBACK");
            save.join();
            assertThat(s.get("players", "p1")).isPresent();
        }
    }
}
