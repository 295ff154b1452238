package dev.pokepedia.syncclient;

import static dev.pokepedia.syncclient.J.o;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.testkit.SettableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncClientTest {

    static final String TOKEN = "test-token";

    @TempDir
    Path dir;

    final TestSyncServer server = TestSyncServer.start(TOKEN);
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        server.close();
    }

    LocalStore store(String name, Clock clock) {
        LocalStore s = LocalStore.open(dir.resolve(name + ".db"), EntityRegistry.reference(), StoreOptions.defaults().withClock(clock));
        open.add(s);
        return s;
    }

    LocalStore store(String name) {
        return store(name, Clock.systemUTC());
    }

    SyncClient client(LocalStore s, UnaryOperator<SyncConfig> tweak) {
        SyncConfig cfg = tweak.apply(SyncConfig.defaults(server.uri(), () -> TOKEN).withAutoSync(false)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(200))));
        SyncClient c = SyncClient.create(s, cfg);
        open.add(c);
        return c;
    }

    @Test
    void pushes_local_changes_and_pulls_them_into_another_store_without_echoing_them_back() {
        LocalStore a = store("a");
        LocalStore b = store("b");
        SyncClient ca = client(a, c -> c);
        SyncClient cb = client(b, c -> c);
        a.save("teams", o("{'id':'t1','name':'Reds'}"));
        a.save("players", o("{'id':'p1','name':'Ash','team_id':'t1'}"));
        a.save("players", o("{'id':'p2','name':'Gary'}"));
        a.delete("players", "p2");
        SyncResult r = ca.sync();
        assertThat(r.pushed()).isEqualTo(2);
        assertThat(r.error()).isEmpty();
        assertThat(server.liveRows("players")).extracting(TestSyncServer.Row::id).containsExactly("p1");
        assertThat(a.get("players", "p1").orElseThrow().version()).isPositive();

        SyncResult rb = cb.sync();
        assertThat(rb.pulled()).isEqualTo(2);
        assertThat(b.get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("Ash");
        assertThat(b.outbox().list()).as("pulled changes are not queued again").isEmpty();

        b.save("players", o("{'id':'p1','name':'Ash K.','team_id':'t1'}"));
        b.delete("teams", "t1");
        assertThat(cb.sync().pushed()).isEqualTo(2);
        ca.sync();
        assertThat(a.get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("Ash K.");
        assertThat(a.get("teams", "t1")).isEmpty();
        assertThat(a.outbox().count(OpStatus.PENDING)).isZero();
        assertThat(a.verifyIntegrity().healthy()).isTrue();
    }

    @Test
    void twenty_rapid_edits_become_one_request() {
        LocalStore a = store("a");
        SyncClient c = client(a, cfg -> cfg.withAutoSync(true).withInterval(Duration.ofHours(1))
                .withDebounce(Duration.ofMillis(300), Duration.ofSeconds(5)));
        c.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.pullRequests.get() >= 1); // the start-up sync
        for (int i = 0; i < 20; i++) {
            a.save("players", o("{'id':'p" + (i % 7) + "','name':'edit " + i + "'}"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.outbox().count(OpStatus.COMPLETED) == 7);
        assertThat(server.pushRequests.get()).isEqualTo(1);
        assertThat(server.row("players", "p6").payload().get("name").asText()).isEqualTo("edit 13");
        assertThat(server.appliedOps.get()).isEqualTo(7);
    }

    @Test
    void a_backlog_of_120_operations_goes_in_chunks_of_the_batch_size_and_the_byte_cap() {
        LocalStore a = store("a");
        List<LocalStore.Write> writes = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            writes.add(new LocalStore.Write("players", o("{'id':'p" + i + "','bio':'" + "x".repeat(100) + "'}")));
        }
        a.bulkSave(writes);
        SyncResult r = client(a, c -> c.withBatchSize(50)).sync();
        assertThat(r.pushed()).isEqualTo(120);
        assertThat(server.pushRequests.get()).isEqualTo(3);

        LocalStore b = store("b");
        List<LocalStore.Write> more = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            more.add(new LocalStore.Write("teams", o("{'id':'t" + i + "','bio':'" + "y".repeat(200) + "'}")));
        }
        b.bulkSave(more);
        int before = server.pushRequests.get();
        assertThat(client(b, c -> c.withBatchSize(100).withMaxRequestBytes(2048)).sync().pushed()).isEqualTo(40);
        assertThat(server.pushRequests.get() - before).as("~250 bytes an op, 2 KiB a request").isBetween(5, 8);
    }

    @Test
    void another_devices_push_reaches_this_store_through_the_event_stream_long_before_the_periodic_sync() {
        LocalStore a = store("a");
        LocalStore b = store("b");
        SyncClient cb = client(b, cfg -> cfg.withAutoSync(true).withInterval(Duration.ofHours(1)).withDebounce(Duration.ofMillis(10), Duration.ofMillis(50)));
        cb.start();
        await().until(() -> server.pullRequests.get() >= 1);
        int pullsBefore = server.pullRequests.get();
        a.save("players", o("{'id':'p1','name':'from A'}"));
        client(a, c -> c).sync();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.get("players", "p1").isPresent());
        assertThat(server.pullRequests.get()).isGreaterThan(pullsBefore);
    }

    @Test
    void offline_changes_queue_and_drain_when_the_server_is_back() {
        LocalStore a = store("a");
        SyncClient c = client(a, cfg -> cfg.withAutoSync(true).withInterval(Duration.ofHours(1)).withDebounce(Duration.ofMillis(20), Duration.ofMillis(100)));
        c.start();
        await().until(() -> server.pullRequests.get() >= 1);
        server.stop();
        for (int i = 0; i < 30; i++) {
            a.save("players", o("{'id':'p" + i + "'}"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.status().online());
        assertThat(a.outbox().count(OpStatus.PENDING) + a.outbox().count(OpStatus.SYNCING)).isEqualTo(30);
        server.restart();
        // why: no new local write happens; the engine's own retry/probe timer must find the server again
        await().atMost(Duration.ofSeconds(10)).until(() -> a.outbox().count(OpStatus.COMPLETED) == 30);
        assertThat(c.status().online()).isTrue();
        assertThat(server.liveRows("players")).hasSize(30);
    }

    @Test
    void a_push_sends_upserts_parents_first_then_deletes_children_first() {
        LocalStore a = store("a");
        SyncClient c = client(a, cfg -> cfg);
        a.save("teams", o("{'id':'t0'}"));
        a.save("team_rosters", o("{'id':'r0','team_id':'t0'}"));
        a.save("games", o("{'id':'g0','players':[{'id':'p1'}],'events':[{'t':1},{'t':2}]}"));
        c.sync();
        a.delete("teams", "t0");
        a.delete("team_rosters", "r0");
        a.save("team_rosters", o("{'id':'r1','team_id':'t1'}"));
        a.save("teams", o("{'id':'t1'}"));
        a.save("games", o("{'id':'g0','players':[{'id':'p1'},{'id':'p2'}],'events':[]}"));
        assertThat(c.sync().pushed()).isEqualTo(5);
        assertThat(server.lastPushOps).containsExactly("teams/t1/upsert", "team_rosters/r1/upsert", "games/g0/upsert",
                "team_rosters/r0/delete", "teams/t0/delete");
        assertThat(server.row("games", "g0").payload().get("players")).hasSize(2);
    }

    @Test
    void a_child_whose_parent_is_still_queued_waits_a_round_and_the_other_children_go_now() {
        LocalStore a = store("a");
        List<LocalStore.Write> w = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            w.add(new LocalStore.Write("teams", o("{'id':'t" + i + "'}")));
        }
        for (int i = 0; i < 8; i++) {
            w.add(new LocalStore.Write("team_rosters", o("{'id':'r" + i + "','team_id':'t" + (7 - i) + "'}")));
        }
        a.bulkSave(w);
        SyncResult r = client(a, c -> c.withBatchSize(5)).sync();
        assertThat(r.pushed()).isEqualTo(16);
        assertThat(r.failed()).isZero();
        // round 1: teams t0..t4 and the rosters of t4 and t3 (r3, r4); r0..r2 wait for t7..t5
        assertThat(server.pushLog.get(0)).containsExactly("teams/t0/upsert", "teams/t1/upsert", "teams/t2/upsert", "teams/t3/upsert",
                "teams/t4/upsert", "team_rosters/r3/upsert", "team_rosters/r4/upsert");
        assertThat(server.pushLog.get(1)).containsExactly("teams/t5/upsert", "teams/t6/upsert", "teams/t7/upsert",
                "team_rosters/r0/upsert", "team_rosters/r1/upsert", "team_rosters/r2/upsert", "team_rosters/r5/upsert", "team_rosters/r6/upsert");
        assertThat(server.pushLog).hasSize(3);
    }

    @Test
    void a_refused_token_stops_the_sync_and_keeps_every_operation_pending_without_counting_an_attempt() {
        LocalStore a = store("a");
        a.save("players", o("{'id':'p1'}"));
        SyncClient c = SyncClient.create(a, SyncConfig.defaults(server.uri(), () -> "wrong").withAutoSync(false));
        open.add(c);
        SyncResult r = c.sync();
        assertThat(r.error()).get().asString().contains("refused the token");
        assertThat(a.outbox().list()).singleElement().satisfies(op -> {
            assertThat(op.status()).isEqualTo(OpStatus.PENDING);
            assertThat(op.attempts()).isZero();
        });
    }

    @Test
    void a_thousand_operations_queued_offline_drain_in_one_sync() {
        LocalStore a = store("a");
        SyncClient c = client(a, cfg -> cfg);
        c.setOffline(true);
        List<LocalStore.Write> w = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            w.add(new LocalStore.Write(i % 2 == 0 ? "players" : "seasons", o("{'id':'x" + i + "'}")));
        }
        a.bulkSave(w);
        a.delete("players", "x0");
        assertThat(c.sync().pushed()).isZero();
        c.setOffline(false);
        SyncResult r = c.sync();
        assertThat(r.pushed()).isEqualTo(999);
        assertThat(server.pushRequests.get()).isEqualTo(10);
        assertThat(server.liveRows("players").size() + server.liveRows("seasons").size()).isEqualTo(999);
    }

    @Test
    void forced_offline_queues_without_network_and_reconnect_drains_at_once() {
        LocalStore a = store("a");
        SyncClient c = client(a, cfg -> cfg);
        c.setOffline(true);
        a.save("players", o("{'id':'p1'}"));
        SyncResult r = c.sync();
        assertThat(r.online()).isFalse();
        assertThat(server.pushRequests.get() + server.pullRequests.get()).isZero();
        c.setOffline(false);
        assertThat(c.sync().pushed()).isEqualTo(1);
    }

    @Test
    void server_errors_are_retried_with_backoff_until_they_pass() {
        LocalStore a = store("a");
        SyncClient c = client(a, cfg -> cfg.withAutoSync(true).withInterval(Duration.ofHours(1)));
        server.failNextPushes = 3;
        a.save("players", o("{'id':'p1'}"));
        List<SyncStatus> seen = new CopyOnWriteArrayList<>();
        c.subscribe(seen::add);
        c.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.outbox().count(OpStatus.COMPLETED) == 1);
        assertThat(server.pushRequests.get()).isEqualTo(4);
        assertThat(seen).anyMatch(s -> s.lastError().orElse("").contains("injected failure"));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.get(seen.size() - 1).pending() == 0 && !seen.get(seen.size() - 1).syncing());
    }

    @Test
    void falls_back_to_one_operation_per_request_when_the_server_lacks_the_bulk_endpoint() {
        server.noBulkEndpoint = true;
        LocalStore a = store("a");
        a.save("players", o("{'id':'p1'}"));
        a.save("players", o("{'id':'p2'}"));
        a.save("teams", o("{'id':'t1'}"));
        SyncResult r = client(a, c -> c).sync();
        assertThat(r.pushed()).isEqualTo(3);
        assertThat(server.pushRequests.get()).isEqualTo(1);
        assertThat(server.opRequests.get()).isEqualTo(3);
    }

    @Test
    void a_batch_the_server_refuses_is_bisected_so_only_the_bad_operation_fails() {
        LocalStore a = store("a");
        a.save("players", o("{'id':'p1'}"));
        a.save("players", o("{'id':'p2'}"));
        // a type this device knows and the server does not
        LocalStore other = LocalStore.open(dir.resolve("x.db"), EntityRegistry.of(List.of(EntityType.of("players"), EntityType.of("gadgets"))),
                StoreOptions.defaults());
        open.add(other);
        other.save("players", o("{'id':'p3'}"));
        other.save("gadgets", o("{'id':'g1'}"));
        SyncResult r = client(other, c -> c.withRetry(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)))).sync();
        assertThat(r.pushed()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(other.outbox().list(OpStatus.FAILED)).singleElement().satisfies(op -> {
            assertThat(op.entityId()).isEqualTo("g1");
            assertThat(op.lastError()).get().asString().contains("unknown entity type 'gadgets'");
        });
    }

    // ---------------------------------------------------------------- conflicts

    /** Device a and b both have p1 at the same server version; then each edits it. */
    SyncClient[] twoDevices(ConflictStrategy strategy, Clock clockA, Clock clockB) {
        LocalStore a = store("a", clockA);
        LocalStore b = store("b", clockB);
        SyncClient ca = client(a, c -> c.withStrategy(strategy));
        SyncClient cb = client(b, c -> c.withStrategy(strategy));
        a.save("players", o("{'id':'p1','name':'Ash','number':1,'team':'red'}"));
        ca.sync();
        cb.sync();
        assertThat(b.get("players", "p1")).isPresent();
        return new SyncClient[] {ca, cb};
    }

    @Test
    void an_edit_of_a_row_the_server_pruned_is_a_conflict_settled_by_the_strategy() {
        // why: the real server answers an op based on a version it has no row for (tombstone pruned) with a conflict
        // against {version 0, deleted, hlc null}; remote-wins drops the edit, newest-wins re-creates the row
        SyncClient[] d = twoDevices(ConflictStrategy.REMOTE_WINS, Clock.systemUTC(), Clock.systemUTC());
        d[0].store().delete("players", "p1");
        d[0].sync();
        server.pruneTombstones();
        d[1].store().save("players", o("{'id':'p1','name':'edited on B'}"));
        SyncResult r = d[1].sync();
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(d[1].store().get("players", "p1")).isEmpty();
        assertThat(d[1].store().outbox().count(OpStatus.PENDING)).isZero();
        assertThat(server.row("players", "p1")).isNull();
    }

    @Test
    void remote_wins_takes_the_servers_row_and_drops_the_local_change() {
        SyncClient[] d = twoDevices(ConflictStrategy.REMOTE_WINS, Clock.systemUTC(), Clock.systemUTC());
        d[0].store().save("players", o("{'id':'p1','name':'from A'}"));
        d[0].sync();
        d[1].store().save("players", o("{'id':'p1','name':'from B'}"));
        SyncResult r = d[1].sync();
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(d[1].store().get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("from A");
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("from A");
        assertThat(d[1].store().outbox().count(OpStatus.PENDING)).isZero();
    }

    @Test
    void local_wins_pushes_again_based_on_the_servers_version() {
        SyncClient[] d = twoDevices(ConflictStrategy.LOCAL_WINS, Clock.systemUTC(), Clock.systemUTC());
        d[0].store().save("players", o("{'id':'p1','name':'from A'}"));
        d[0].sync();
        d[1].store().save("players", o("{'id':'p1','name':'from B'}"));
        SyncResult r = d[1].sync();
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("from B");
        d[0].sync();
        assertThat(d[0].store().get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("from B");
    }

    @Test
    void newest_wins_by_hybrid_clock_stamp() {
        SettableClock real = new SettableClock(java.time.Instant.now());
        SyncClient[] d = twoDevices(ConflictStrategy.NEWEST_WINS, real, real);
        real.advance(Duration.ofSeconds(1));
        d[1].store().save("players", o("{'id':'p1','name':'older, from B'}"));
        real.advance(Duration.ofSeconds(1));
        d[0].store().save("players", o("{'id':'p1','name':'newer, from A'}"));
        d[1].sync(); // B's older edit reaches the server first
        SyncResult r = d[0].sync();
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("newer, from A");
        d[1].sync();
        assertThat(d[1].store().get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("newer, from A");
    }

    @Test
    void a_device_a_day_ahead_does_not_win_over_a_later_edit() {
        SettableClock real = new SettableClock(java.time.Instant.now());
        Clock ahead = Clock.offset(real, Duration.ofDays(1));
        // server time is the real time; device a's clock is a day ahead
        SyncClient[] d = twoDevices(ConflictStrategy.NEWEST_WINS, ahead, real);
        real.advance(Duration.ofSeconds(1));
        d[0].store().save("players", o("{'id':'p1','name':'earlier, from the fast clock'}"));
        real.advance(Duration.ofSeconds(10));
        d[1].store().save("players", o("{'id':'p1','name':'later, from the right clock'}"));
        d[1].sync();
        real.advance(Duration.ofSeconds(10));
        assertThat(d[0].sync().conflicts()).isEqualTo(1);
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("later, from the right clock");
        assertThat(d[0].store().get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("later, from the right clock");
    }

    @Test
    void a_device_a_day_behind_still_wins_with_a_later_edit() {
        SettableClock real = new SettableClock(java.time.Instant.now());
        Clock behind = Clock.offset(real, Duration.ofDays(-1));
        SyncClient[] d = twoDevices(ConflictStrategy.NEWEST_WINS, real, behind);
        real.advance(Duration.ofSeconds(1));
        d[0].store().save("players", o("{'id':'p1','name':'earlier, from the right clock'}"));
        d[0].sync();
        real.advance(Duration.ofSeconds(10));
        d[1].store().save("players", o("{'id':'p1','name':'later, from the slow clock'}"));
        assertThat(d[1].sync().conflicts()).isEqualTo(1);
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("later, from the slow clock");
    }

    @Test
    void manual_keeps_both_sides_until_the_app_resolves() {
        SyncClient[] d = twoDevices(ConflictStrategy.MANUAL, Clock.systemUTC(), Clock.systemUTC());
        d[0].store().save("players", o("{'id':'p1','name':'from A'}"));
        d[0].sync();
        d[1].store().save("players", o("{'id':'p1','name':'from B'}"));
        assertThat(d[1].sync().conflicts()).isEqualTo(1);
        List<Conflict> open = d[1].store().conflicts();
        assertThat(open).singleElement().satisfies(k -> {
            assertThat(k.localPayload().orElseThrow().get("name").asText()).isEqualTo("from B");
            assertThat(k.serverPayload().orElseThrow().get("name").asText()).isEqualTo("from A");
        });
        assertThat(d[1].store().get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("from B");
        d[1].sync();
        assertThat(server.row("players", "p1").payload().get("name").asText()).as("nothing pushed while open").isEqualTo("from A");

        d[1].resolve("players", "p1", SyncClient.Resolution.CUSTOM, o("{'id':'p1','name':'from A and B'}"));
        assertThat(d[1].store().conflicts()).isEmpty();
        d[1].sync();
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("from A and B");
    }

    @Test
    void merge_keeps_one_sided_field_changes_from_both_and_ties_by_the_tie_strategy() {
        LocalStore a = store("a");
        LocalStore b = store("b");
        SyncClient ca = client(a, c -> c.withStrategy(ConflictStrategy.MERGE).withTieStrategy(ConflictStrategy.REMOTE_WINS));
        SyncClient cb = client(b, c -> c.withStrategy(ConflictStrategy.MERGE).withTieStrategy(ConflictStrategy.REMOTE_WINS));
        a.save("players", o("{'id':'p1','name':'Ash','number':1,'team':'red'}"));
        ca.sync();
        cb.sync();
        a.save("players", o("{'id':'p1','name':'Ash','number':9,'team':'blue'}"));
        ca.sync();
        b.save("players", o("{'id':'p1','name':'Ash Ketchum','number':1,'team':'green'}"));
        assertThat(cb.sync().conflicts()).isEqualTo(1);
        var merged = server.row("players", "p1").payload();
        assertThat(merged.get("name").asText()).as("changed on B only").isEqualTo("Ash Ketchum");
        assertThat(merged.get("number").asInt()).as("changed on A only").isEqualTo(9);
        assertThat(merged.get("team").asText()).as("changed on both: remote wins the tie").isEqualTo("blue");
        ca.sync();
        assertThat(a.get("players", "p1").orElseThrow().payload()).isEqualTo(merged);
        assertThat(b.get("players", "p1").orElseThrow().payload()).isEqualTo(merged);
    }

    @Test
    void a_pulled_change_to_an_entity_with_a_local_pending_change_is_a_conflict_not_an_overwrite() {
        LocalStore b = store("b");
        SyncClient cb = client(b, c -> c.withStrategy(ConflictStrategy.MANUAL));
        b.save("players", o("{'id':'p1','name':'B'}"));
        cb.setOffline(true);
        server.put("players", "p1", o("{'id':'p1','name':'server'}"), "0000000000000001:0000:other");
        cb.setOffline(false);
        SyncResult r = cb.sync();
        assertThat(r.conflicts()).isEqualTo(1);
        assertThat(b.get("players", "p1").orElseThrow().payload().get("name").asText()).isEqualTo("B");
        assertThat(b.conflicts()).hasSize(1);
    }

    @Test
    void a_cursor_older_than_the_pruned_tombstones_triggers_a_full_pull_that_drops_vanished_rows() {
        LocalStore a = store("a");
        SyncClient ca = client(a, c -> c);
        server.put("players", "p1", o("{'id':'p1'}"), "");
        server.put("players", "p2", o("{'id':'p2'}"), "");
        ca.sync();
        server.put("players", "p2", null, "");
        server.put("players", "p3", o("{'id':'p3'}"), "");
        server.pruneTombstones();
        a.save("players", o("{'id':'p9'}"));
        ca.setOffline(true);
        ca.setOffline(false);
        SyncResult r = ca.sync();
        assertThat(r.error()).isEmpty();
        assertThat(a.query(Query.of("players"))).extracting(Entity::id).containsExactly("p1", "p3", "p9");
    }
}
