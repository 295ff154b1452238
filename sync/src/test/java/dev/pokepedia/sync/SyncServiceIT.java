package dev.pokepedia.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java API over the SQL functions: push semantics, pull, pruning, change notifications. */
class SyncServiceIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static SyncService sync;

    @BeforeAll
    static void open() {
        sync = SyncService.open(db.database(), SyncConfig.withSecret(null, null), null, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        sync.close();
    }

    static JsonNode json(String s) {
        try {
            return SyncJson.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static AuthenticatedUser newUser() {
        return SyncService.trusted(new UserId("u-" + UUID.randomUUID()));
    }

    static String uid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static PushResult push(AuthenticatedUser u, Operation... ops) {
        return sync.push(u, new PushRequest("client-1", List.of(ops)));
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void push_applies_upserts_and_answers_versions_and_counts() {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid(), t = "t-" + uid();
        PushResult r = push(u, Operation.upsert(1, "players", p, 0, json("{\"name\":\"Ash\",\"jersey_number\":9}")),
                Operation.upsert(2, "teams", t, 0, json("{\"name\":\"Reds\"}")));
        assertThat(r.results()).extracting(OpResult::status).containsOnly(OpResult.Status.APPLIED);
        assertThat(r.results()).extracting(OpResult::opId).containsExactly(1L, 2L);
        assertThat(r.results().get(0).version()).isPositive();
        assertThat(r.results().get(1).version()).isGreaterThan(r.results().get(0).version());
        assertThat(r.counts().get("players")).isEqualTo(new PushResult.TypeCounts(1, 0, 0));
        PullResult pulled = sync.pull(u, "0", null);
        assertThat(pulled.changes()).extracting(Change::id).containsExactly(p, t);
        assertThat(pulled.changes().get(0).payload().get("name").asText()).isEqualTo("Ash");
        assertThat(pulled.changes().get(0).payload().get("id").asText()).isEqualTo(p);
    }

    @Test
    void replayed_batch_answers_the_same_and_applies_once() throws Exception {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid();
        PushRequest batch = new PushRequest("c-replay", List.of(Operation.upsert(7, "players", p, 0, json("{\"name\":\"Misty\"}")),
                Operation.upsert(8, "players", p + "b", 0, json("{\"name\":\"Brock\"}"))));
        PushResult first = sync.push(u, batch);
        PushResult again = sync.push(u, batch);
        assertThat(again.results()).isEqualTo(first.results());
        assertThat(again.counts()).isEqualTo(first.counts());
        assertThat(sync.pull(u, "0", null).changes()).hasSize(2);
        assertThat(count("SELECT max(version) FROM players WHERE id = '" + p + "'")).isEqualTo(first.results().get(0).version());
    }

    @Test
    void duplicate_op_id_with_a_different_payload_is_refused_whole() {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid();
        sync.push(u, new PushRequest("c-dup", List.of(Operation.upsert(1, "players", p, 0, json("{\"name\":\"A\"}")))));
        String other = "p-" + uid();
        assertThatThrownBy(() -> sync.push(u, new PushRequest("c-dup", List.of(
                Operation.upsert(2, "players", other, 0, json("{\"name\":\"new\"}")),
                Operation.upsert(1, "players", p, 0, json("{\"name\":\"B\"}"))))))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SyncException.Kind.DUPLICATE_OP);
                    assertThat(e.getMessage()).contains("op_id 1").contains("c-dup");
                });
        assertThat(sync.pull(u, "0", null).changes()).extracting(Change::id).containsExactly(p);
    }

    @Test
    void same_op_id_from_another_client_is_a_new_operation() {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid();
        sync.push(u, new PushRequest("c-a", List.of(Operation.upsert(1, "players", p, 0, json("{\"name\":\"A\"}")))));
        PushResult r = sync.push(u, new PushRequest("c-b", List.of(Operation.upsert(1, "players", p + "x", 0, json("{\"name\":\"B\"}")))));
        assertThat(r.results().get(0).status()).isEqualTo(OpResult.Status.APPLIED);
    }

    @Test
    void unknown_type_or_field_is_a_bad_request_naming_it() {
        AuthenticatedUser u = newUser();
        assertThatThrownBy(() -> push(u, Operation.upsert(1, "pokemons", "x", 0, json("{}"))))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SyncException.Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("ops[0]").contains("unknown entity type \"pokemons\"").contains("players");
                });
        String p = "p-" + uid();
        assertThatThrownBy(() -> push(u, Operation.upsert(1, "players", "ok-" + uid(), 0, json("{\"name\":\"fine\"}")),
                Operation.upsert(2, "players", p, 0, json("{\"name\":\"A\",\"shoe_size\":44}"))))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SyncException.Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("ops[1] (players " + p + ")").contains("\"shoe_size\"");
                });
        assertThat(sync.pull(u, "0", null).changes()).isEmpty();
    }

    @Test
    void row_referencing_a_missing_parent_is_refused_and_nothing_applied() {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid(), r = "r-" + uid();
        assertThatThrownBy(() -> push(u, Operation.upsert(1, "players", p, 0, json("{\"name\":\"A\"}")),
                Operation.upsert(2, "team_rosters", r, 0, json("{\"team_id\":\"no-such-team\",\"roster\":[]}"))))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SyncException.Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("team_rosters " + r).contains("teams no-such-team");
                });
        assertThat(sync.pull(u, "0", null).changes()).isEmpty();
    }

    @Test
    void another_users_row_is_forbidden_and_nothing_applied() {
        AuthenticatedUser alice = newUser(), mallory = newUser();
        String p = "p-" + uid();
        push(alice, Operation.upsert(1, "players", p, 0, json("{\"name\":\"Alice's\"}")));
        String mine = "p-" + uid();
        for (Operation evil : List.of(Operation.upsert(2, "players", p, 0, json("{\"name\":\"stolen\",\"user_id\":\"x\"}")),
                Operation.upsert(2, "players", p, 1, json("{\"name\":\"stolen\"}")),
                Operation.delete(2, "players", p, 1))) {
            assertThatThrownBy(() -> push(mallory, Operation.upsert(1, "players", mine, 0, json("{\"name\":\"mine\"}")), evil))
                    .isInstanceOfSatisfying(SyncException.class, e -> {
                        assertThat(e.kind()).isEqualTo(SyncException.Kind.FORBIDDEN);
                        assertThat(e.getMessage()).contains("players " + p).contains("another user");
                    });
        }
        assertThat(sync.pull(mallory, "0", null).changes()).isEmpty();
        assertThat(sync.pull(alice, "0", null).changes()).singleElement()
                .satisfies(c -> assertThat(c.payload().get("name").asText()).isEqualTo("Alice's"));
    }

    @Test
    void user_id_in_a_payload_is_ignored_the_token_decides() throws Exception {
        AuthenticatedUser u = newUser(), other = newUser();
        String p = "p-" + uid();
        push(u, Operation.upsert(1, "players", p, 0, json("{\"name\":\"A\",\"user_id\":\"" + other.user().value() + "\"}")));
        assertThat(count("SELECT count(*) FROM players WHERE id = '" + p + "' AND user_id = '" + u.user().value() + "'")).isEqualTo(1);
        assertThat(sync.pull(u, "0", null).changes().get(0).payload().has("user_id")).isFalse();
    }

    @Test
    void mixed_upserts_and_deletes_with_foreign_keys_in_one_batch() {
        AuthenticatedUser u = newUser();
        String oldTeam = "t-" + uid(), oldRoster = "r-" + uid(), team = "t-" + uid(), roster = "r-" + uid(),
                player = "p-" + uid(), adj = "a-" + uid();
        PushResult setup = push(u, Operation.upsert(1, "team_rosters", oldRoster, 0, json("{\"team_id\":\"" + oldTeam + "\",\"roster\":[]}")),
                Operation.upsert(2, "teams", oldTeam, 0, json("{\"name\":\"Old\"}")),
                Operation.upsert(3, "players", player, 0, json("{\"name\":\"P\"}")),
                Operation.upsert(4, "player_adjustments", adj, 0, json("{\"player_id\":\"" + player + "\",\"goals_delta\":1}")));
        assertThat(setup.results()).extracting(OpResult::status).containsOnly(OpResult.Status.APPLIED);
        long oldTeamVersion = setup.results().get(1).version(), playerVersion = setup.results().get(2).version(),
                adjVersion = setup.results().get(3).version();
        // children listed before parents, deletes before upserts: the server orders them
        PushResult r = push(u, Operation.delete(5, "players", player, playerVersion),
                Operation.delete(6, "teams", oldTeam, oldTeamVersion),
                Operation.upsert(7, "team_rosters", roster, 0, json("{\"team_id\":\"" + team + "\",\"roster\":[\"" + player + "\"]}")),
                Operation.delete(8, "player_adjustments", adj, adjVersion),
                Operation.upsert(9, "teams", team, 0, json("{\"name\":\"New\"}")));
        assertThat(r.results()).extracting(OpResult::status).containsOnly(OpResult.Status.APPLIED);
        assertThat(r.counts().get("teams")).isEqualTo(new PushResult.TypeCounts(1, 1, 0));
        PullResult all = sync.pull(u, "0", null);
        // the old roster was tombstoned with its team (cascade), the new one is live
        assertThat(all.changes()).filteredOn(c -> c.id().equals(oldRoster)).singleElement().satisfies(c -> {
            assertThat(c.deleted()).isTrue();
            assertThat(c.payload()).isNull();
        });
        assertThat(all.changes()).filteredOn(c -> !c.deleted()).extracting(Change::id).containsExactlyInAnyOrder(team, roster);
    }

    @Test
    void a_stale_base_version_is_a_conflict_that_does_not_abort_the_batch() {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid(), q = "p-" + uid();
        long v1 = push(u, Operation.upsert(1, "players", p, 0, json("{\"name\":\"v1\"}"))).results().get(0).version();
        long v2 = push(u, Operation.upsert(2, "players", p, v1, json("{\"name\":\"v2\"}"))).results().get(0).version();
        assertThat(v2).isGreaterThan(v1);
        PushResult r = push(u, Operation.upsert(3, "players", p, v1, json("{\"name\":\"stale\"}")),
                Operation.upsert(4, "players", q, 0, json("{\"name\":\"other\"}")));
        OpResult conflict = r.results().get(0);
        assertThat(conflict.status()).isEqualTo(OpResult.Status.CONFLICT);
        assertThat(conflict.server().version()).isEqualTo(v2);
        assertThat(conflict.server().payload().get("name").asText()).isEqualTo("v2");
        assertThat(r.results().get(1).status()).isEqualTo(OpResult.Status.APPLIED);
        assertThat(r.counts().get("players")).isEqualTo(new PushResult.TypeCounts(1, 0, 1));
        // created locally (base 0) while a live row exists: a conflict unless equal
        assertThat(push(u, Operation.upsert(5, "players", p, 0, json("{\"name\":\"v2\"}"))).results().get(0))
                .satisfies(o -> {
                    assertThat(o.status()).isEqualTo(OpResult.Status.APPLIED);
                    assertThat(o.version()).isEqualTo(v2);
                });
        assertThat(push(u, Operation.upsert(6, "players", p, 0, json("{\"name\":\"mine\"}"))).results().get(0).status())
                .isEqualTo(OpResult.Status.CONFLICT);
        // a delete based on an old version conflicts too
        assertThat(push(u, Operation.delete(7, "players", p, v1)).results().get(0).status()).isEqualTo(OpResult.Status.CONFLICT);
    }

    @Test
    void pull_pages_in_version_order_with_tombstones() {
        AuthenticatedUser u = newUser();
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ops.add(Operation.upsert(i + 1, "seasons", "s" + i + "-" + uid(), 0, json("{\"name\":\"S" + i + "\"}")));
        }
        PushResult created = sync.push(u, new PushRequest("c", ops));
        push(u, Operation.delete(100, "seasons", ops.get(2).id(), created.results().get(2).version()));
        List<Change> seen = new ArrayList<>();
        String cursor = "0";
        int pages = 0;
        PullResult page;
        do {
            page = sync.pull(u, cursor, 3);
            seen.addAll(page.changes());
            cursor = page.cursor();
            pages++;
        } while (page.hasMore());
        assertThat(pages).isEqualTo(3);
        assertThat(seen).extracting(Change::version).isSorted().doesNotHaveDuplicates();
        assertThat(seen).hasSize(7);
        assertThat(seen.get(6)).satisfies(c -> {
            assertThat(c.id()).isEqualTo(ops.get(2).id());
            assertThat(c.deleted()).isTrue();
        });
        assertThat(sync.pull(u, cursor, 3).changes()).isEmpty();
        assertThat(sync.pull(u, cursor, 3).cursor()).isEqualTo(cursor);
        assertThatThrownBy(() -> sync.pull(u, "abc", 3)).isInstanceOfSatisfying(SyncException.class,
                e -> assertThat(e.kind()).isEqualTo(SyncException.Kind.BAD_REQUEST));
        assertThatThrownBy(() -> sync.pull(u, "0", 5001)).isInstanceOfSatisfying(SyncException.class,
                e -> assertThat(e.getMessage()).contains("limit"));
    }

    @Test
    void pull_across_a_pruned_tombstone_window_requires_resync() throws Exception {
        AuthenticatedUser u = newUser();
        String a = "tr-" + uid(), b = "tr-" + uid();
        PushResult r = push(u, Operation.upsert(1, "tournaments", a, 0, json("{\"name\":\"A\"}")),
                Operation.upsert(2, "tournaments", b, 0, json("{\"name\":\"B\"}")));
        String before = sync.pull(u, "0", null).cursor();
        push(u, Operation.delete(3, "tournaments", a, r.results().get(0).version()));
        String afterDelete = sync.pull(u, "0", null).cursor();
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("UPDATE tournaments SET deleted_at = now() - interval '40 days' WHERE id = '" + a + "'");
        }
        assertThat(sync.pruneTombstones(Duration.ofDays(30))).isEqualTo(1);
        assertThatThrownBy(() -> sync.pull(u, before, null)).isInstanceOfSatisfying(SyncException.class, e -> {
            assertThat(e.kind()).isEqualTo(SyncException.Kind.RESYNC_REQUIRED);
            assertThat(e.getMessage()).contains("pull again from \"0\"");
        });
        assertThat(sync.pull(u, afterDelete, null).changes()).isEmpty();
        assertThat(sync.pull(u, "0", null).changes()).extracting(Change::id).containsExactly(b);
    }

    @Test
    void a_push_notifies_listeners_of_the_same_user_only() throws Exception {
        AuthenticatedUser u = newUser(), other = newUser();
        List<Long> mine = new CopyOnWriteArrayList<>(), theirs = new CopyOnWriteArrayList<>();
        try (AutoCloseable a = sync.listen(u.user(), mine::add); AutoCloseable b = sync.listen(other.user(), theirs::add)) {
            long v = push(u, Operation.upsert(1, "personnel", "pe-" + uid(), 0, json("{\"name\":\"Coach\"}"))).results().get(0).version();
            await().atMost(Duration.ofSeconds(5)).until(() -> mine.contains(v));
            assertThat(theirs).isEmpty();
        }
    }

    @Test
    void append_only_logs_accept_new_rows_but_no_deletes() {
        AuthenticatedUser u = newUser();
        String l = "log-" + uid();
        assertThat(push(u, Operation.upsert(1, "usage_logs", l, 0, json("{\"provider\":\"gemini\",\"action\":\"generate\",\"credits_consumed\":10}")))
                .results().get(0).status()).isEqualTo(OpResult.Status.APPLIED);
        assertThatThrownBy(() -> push(u, Operation.delete(2, "usage_logs", l, 1))).isInstanceOfSatisfying(SyncException.class,
                e -> assertThat(e.getMessage()).contains("append-only"));
        assertThat(sync.pull(u, "0", null).changes()).isEmpty(); // logs are shipped, not pulled back
    }

    @Test
    void several_ops_on_one_row_in_a_batch_behave_as_if_applied_in_order() {
        AuthenticatedUser u = newUser();
        String p = "p-" + uid(), q = "p-" + uid();
        PushResult r = push(u, Operation.upsert(1, "players", p, 0, json("{\"name\":\"a\"}")),
                Operation.upsert(2, "players", p, 0, json("{\"name\":\"a\"}")),
                Operation.upsert(3, "players", q, 0, json("{\"name\":\"q\"}")),
                Operation.delete(4, "players", q, 0));
        assertThat(r.results().get(0).status()).isEqualTo(OpResult.Status.APPLIED);
        assertThat(r.results().get(1).version()).isEqualTo(r.results().get(0).version()); // equal re-create: same row
        assertThat(r.results().get(3).status()).isEqualTo(OpResult.Status.CONFLICT); // based on 0, but q exists now
        assertThat(r.results().get(3).server().version()).isEqualTo(r.results().get(2).version());
        assertThat(sync.pull(u, "0", null).changes()).extracting(Change::id).containsExactly(p, q);
    }

    @Test
    void an_apps_own_type_defined_by_one_migration_syncs_with_no_code_change() throws Exception {
        // the README's example migration, run after the shipped ones
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("SELECT sync_define_type('drills', ARRAY['name', 'duration_min', 'diagram', 'created_at', 'updated_at'], 10)");
            st.execute("SELECT sync_define_type('drill_steps', ARRAY['drill_id', 'text', 'order'], 20, 'drills', 'drill_id')");
        }
        AuthenticatedUser u = newUser();
        String drill = "d-" + uid(), step = "s-" + uid();
        PushResult created = push(u, Operation.upsert(1, "drill_steps", step, 0, json("{\"drill_id\":\"" + drill + "\",\"text\":\"pass\"}")),
                Operation.upsert(2, "drills", drill, 0, json("{\"name\":\"Rondo\",\"duration_min\":10}")));
        assertThat(created.results()).extracting(OpResult::status).containsOnly(OpResult.Status.APPLIED);
        PushResult renamed = push(u, Operation.upsert(3, "drills", drill, created.results().get(1).version(), json("{\"name\":\"Rondo 2\"}")));
        assertThat(renamed.results().get(0).status()).isEqualTo(OpResult.Status.APPLIED);
        push(u, Operation.delete(4, "drills", drill, renamed.results().get(0).version()));
        // the step was tombstoned with its drill (cascade); another user sees nothing
        assertThat(sync.pull(u, "0", null).changes()).extracting(Change::id, Change::deleted)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(drill, true), org.assertj.core.groups.Tuple.tuple(step, true));
        assertThat(sync.pull(newUser(), "0", null).changes()).isEmpty();
        assertThatThrownBy(() -> push(u, Operation.upsert(5, "drills", "d-" + uid(), 0, json("{\"colour\":\"red\"}"))))
                .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.getMessage()).contains("\"colour\"").contains("drills allows"));
    }
}
