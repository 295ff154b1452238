package dev.pokepedia.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database enforces the user even without the Java layer: plain SQL as role {@code authenticated} with another
 * user's claims sees and changes nothing, and the Supabase-style RPCs refuse other users' rows.
 */
class RowLevelSecurityIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static SyncService sync;
    static final AuthenticatedUser ALICE = SyncService.trusted(new UserId("alice"));

    @BeforeAll
    static void seed() {
        sync = SyncService.open(db.database(), SyncConfig.withSecret(null, null), null, Clock.systemUTC());
        sync.push(ALICE, new PushRequest("c", List.of(
                Operation.upsert(1, "players", "alice-p1", 0, SyncServiceIT.json("{\"name\":\"Alice's player\"}")),
                Operation.upsert(2, "teams", "alice-t1", 0, SyncServiceIT.json("{\"name\":\"Alice's team\"}")))));
    }

    @AfterAll
    static void close() {
        sync.close();
    }

    /** A transaction as Supabase's PostgREST runs one: role authenticated, the claims of {@code sub}. */
    static Connection as(String sub) throws SQLException {
        Connection c = db.database().connection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', ?, true)")) {
            ps.setString(1, sub == null ? "" : "{\"sub\":\"" + sub + "\",\"role\":\"authenticated\"}");
            ps.execute();
        }
        return c;
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void roles_and_policies_exist_on_every_entity_table() throws SQLException {
        try (Connection c = db.database().connection()) {
            assertThat(scalar(c, "SELECT count(*) FROM pg_roles WHERE rolname IN ('anon','authenticated','service_role')")).isEqualTo(3);
            assertThat(scalar(c, """
                    SELECT count(*) FROM sync_entity_types t JOIN pg_class k ON k.relname = t.type
                     WHERE k.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = t.type)""")).isEqualTo(
                    scalar(c, "SELECT count(*) FROM sync_entity_types")).isEqualTo(12);
        }
    }

    @Test
    void plain_sql_under_another_users_claims_sees_and_changes_nothing() throws SQLException {
        try (Connection c = as("mallory")) {
            assertThat(scalar(c, "SELECT count(*) FROM players")).isZero();
            assertThat(scalar(c, "SELECT count(*) FROM teams")).isZero();
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("UPDATE players SET payload = '{\"id\":\"alice-p1\",\"name\":\"pwned\"}'")).isZero();
                assertThat(st.executeUpdate("UPDATE players SET user_id = 'mallory'")).isZero();
                assertThat(st.executeUpdate("DELETE FROM teams")).isZero();
            }
            c.commit();
        }
        try (Connection c = as("mallory")) {
            // writing a row in someone else's name is refused by the policy's WITH CHECK
            assertThatThrownBy(() -> {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO players (id, user_id, version, payload) VALUES ('m1', 'alice', 1, '{\"id\":\"m1\"}')");
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
            c.rollback();
        }
        try (Connection c = as(null)) {
            assertThat(scalar(c, "SELECT count(*) FROM players")).isZero(); // no claims: no rows
            c.rollback();
        }
        try (Connection c = as("alice")) {
            assertThat(scalar(c, "SELECT count(*) FROM players WHERE payload->>'name' = 'Alice''s player'")).isEqualTo(1);
            c.rollback();
        }
    }

    @Test
    void the_superuser_connection_alone_would_bypass_rls_which_is_why_the_role_switch_matters() throws SQLException {
        try (Connection c = db.database().connection()) {
            assertThat(scalar(c, "SELECT count(*) FROM players WHERE user_id = 'alice'")).isEqualTo(1);
        }
    }

    @Test
    void bulk_sync_entities_refuses_another_users_rows() throws SQLException {
        for (String call : List.of(
                "SELECT bulk_sync_entities(p_players => ARRAY['{\"id\":\"alice-p1\",\"name\":\"stolen\"}'::jsonb])",
                "SELECT bulk_sync_entities(p_delete_team_ids => ARRAY['alice-t1'])",
                "SELECT save_game_with_relations('{\"id\":\"g-m\",\"team_id\":\"alice-t1\"}'::jsonb) FROM players WHERE false UNION ALL "
                        + "SELECT bulk_sync_entities(p_team_rosters => ARRAY['{\"team_id\":\"alice-t1\",\"roster\":[]}'::jsonb])")) {
            try (Connection c = as("mallory"); Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.executeQuery(call)).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("SY403", "SY400"));
                c.rollback();
            }
        }
        try (Connection c = db.database().connection()) {
            assertThat(scalar(c, "SELECT count(*) FROM players WHERE user_id = 'alice' AND payload->>'name' = 'Alice''s player'")).isEqualTo(1);
            assertThat(scalar(c, "SELECT count(*) FROM teams WHERE user_id = 'alice' AND deleted_at IS NULL")).isEqualTo(1);
            assertThat(scalar(c, "SELECT count(*) FROM team_rosters WHERE team_id = 'alice-t1'")).isZero();
        }
    }

    @Test
    void bulk_sync_entities_applies_the_plans_parameters_atomically() throws SQLException {
        try (Connection c = as("bob"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("""
                    SELECT bulk_sync_entities(
                      p_players => ARRAY['{"id":"bob-p1","name":"Gary"}'::jsonb, '{"id":"bob-p2","name":"Tracey","user_id":"alice"}'::jsonb],
                      p_teams => ARRAY['{"id":"bob-t1","name":"Blues"}'::jsonb],
                      p_seasons => ARRAY['{"id":"bob-s1","name":"2026"}'::jsonb],
                      p_tournaments => ARRAY['{"id":"bob-to1","name":"Cup"}'::jsonb],
                      p_personnel => ARRAY['{"id":"bob-pe1","name":"Oak","role":"coach"}'::jsonb],
                      p_settings => '{"language":"en"}'::jsonb,
                      p_warmup_plan => '{"name":"Default","sections":[]}'::jsonb,
                      p_team_rosters => ARRAY['{"team_id":"bob-t1","roster":["bob-p1"]}'::jsonb],
                      p_player_adjustments => ARRAY['{"id":"bob-a1","player_id":"bob-p2","goals_delta":2}'::jsonb],
                      p_delete_player_ids => ARRAY['bob-p2'])::text""")) {
                rs.next();
                var answer = SyncServiceIT.json(rs.getString(1));
                assertThat(answer.at("/counts/players/upserted").asInt()).isEqualTo(2);
                assertThat(answer.at("/counts/players/deleted").asInt()).isEqualTo(1);
                assertThat(answer.at("/counts/team_rosters/upserted").asInt()).isEqualTo(1);
            }
            assertThat(scalar(c, "SELECT count(*) FROM settings WHERE id = 'settings:bob'")).isEqualTo(1);
            // deleting bob-p2 after the upserts tombstoned its adjustment too
            assertThat(scalar(c, "SELECT count(*) FROM player_adjustments WHERE id = 'bob-a1' AND deleted_at IS NOT NULL")).isEqualTo(1);
            assertThat(scalar(c, "SELECT count(*) FROM players WHERE user_id = 'bob'")).isEqualTo(2);
            c.commit();
        }
        // one bad row (a roster of a missing team) leaves nothing of the call behind
        try (Connection c = as("bob"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("""
                    SELECT bulk_sync_entities(p_players => ARRAY['{"id":"bob-p9","name":"New"}'::jsonb],
                                              p_team_rosters => ARRAY['{"team_id":"nope","roster":[]}'::jsonb])"""))
                    .isInstanceOf(SQLException.class).hasMessageContaining("teams nope");
            c.rollback();
        }
        try (Connection c = db.database().connection()) {
            assertThat(scalar(c, "SELECT count(*) FROM players WHERE id = 'bob-p9'")).isZero();
        }
    }

    @Test
    void save_game_with_relations_stores_one_aggregate() throws SQLException {
        try (Connection c = as("carol"); Statement st = c.createStatement()) {
            st.executeQuery("""
                    SELECT save_game_with_relations('{"id":"carol-g1","opponent":"Rivals","home_score":2}'::jsonb,
                        p_players => '[{"player_id":"x","minutes":40}]', p_events => '[{"type":"goal","time":61}]',
                        p_assessments => '[]', p_tactical_data => '{"formation":"4-4-2"}')""").close();
            try (ResultSet rs = st.executeQuery("SELECT payload FROM games WHERE id = 'carol-g1'")) {
                rs.next();
                var game = SyncServiceIT.json(rs.getString(1));
                assertThat(game.at("/events/0/type").asText()).isEqualTo("goal");
                assertThat(game.at("/tactical_data/formation").asText()).isEqualTo("4-4-2");
                assertThat(game.get("opponent").asText()).isEqualTo("Rivals");
            }
            assertThatThrownBy(() -> st.executeQuery("SELECT save_game_with_relations('{\"id\":\"carol-g2\",\"weather\":\"rain\"}'::jsonb)"))
                    .hasMessageContaining("\"weather\"");
            c.rollback();
        }
    }

    @Test
    void the_rpcs_refuse_a_caller_without_claims() throws SQLException {
        try (Connection c = as(null); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT bulk_sync_entities(p_players => ARRAY['{\"id\":\"z\"}'::jsonb])"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Not authenticated");
            c.rollback();
        }
    }
}
