package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.Database;
import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CatalogSchemaIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static final String INSERT = """
            INSERT INTO media_assets (provider, cloud, public_id, resource_type, format, bytes, folder, display_name, tags, context)
            VALUES ('cloudinary', 'demo', '%s', 'image', 'png', %d, '%s', '%s', '%s', '%s')""";

    @Test
    void search_index_finds_assets_by_name_id_tag_and_context() throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(INSERT.formatted("pokedex/pikachu_front", 1200, "pokedex", "Pikachu front", "{electric,gen1}", "{\"alt\":\"yellow mouse\"}"));
            st.execute(INSERT.formatted("pokedex/bulbasaur", 900, "pokedex", "Bulba", "{grass}", "{}"));
            assertThat(ids(st, "to_tsquery('simple', 'pikachu')")).containsExactly("pokedex/pikachu_front");
            assertThat(ids(st, "to_tsquery('simple', 'electric')")).containsExactly("pokedex/pikachu_front");
            assertThat(ids(st, "to_tsquery('simple', 'mouse')")).containsExactly("pokedex/pikachu_front");
            assertThat(ids(st, "to_tsquery('simple', 'bulbasaur')")).containsExactly("pokedex/bulbasaur");
            st.execute("SET enable_seqscan = off");
            try (ResultSet rs = st.executeQuery("EXPLAIN SELECT id FROM media_assets WHERE "
                    + "search_document @@ to_tsquery('simple', 'grass')")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
                assertThat(plan.toString()).contains("media_assets_search_idx");
            }
            st.execute("RESET enable_seqscan");
            // the stored search column follows every write of the fields it is made of
            st.execute("UPDATE media_assets SET tags = '{poison}', context = '{\"alt\":\"seed\"}' WHERE public_id = 'pokedex/bulbasaur'");
            assertThat(ids(st, "to_tsquery('simple', 'grass')")).isEmpty();
            assertThat(ids(st, "to_tsquery('simple', 'poison & seed')")).containsExactly("pokedex/bulbasaur");

            try (ResultSet rs = st.executeQuery("SELECT get_media_statistics()")) {
                rs.next();
                String stats = rs.getString(1);
                // why only the folder: other tests of this class share the database
                assertThat(stats).contains("\"pokedex\": {\"bytes\": 2100, \"count\": 2}").contains("\"total_assets\"")
                        .contains("\"sync_health\"");
            }
        }
    }

    @Test
    void a_tombstone_must_carry_the_deleted_status() throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(INSERT.formatted("t/one", 1, "t", "one", "{}", "{}"));
            assertThatThrownBy(() -> st.execute("UPDATE media_assets SET deleted_at = now() WHERE public_id = 't/one'"))
                    .hasMessageContaining("media_assets_tombstone");
            st.execute("UPDATE media_assets SET deleted_at = now(), sync_status = 'deleted' WHERE public_id = 't/one'");
            assertThatThrownBy(() -> st.execute("UPDATE media_assets SET sync_status = 'gone' WHERE public_id = 't/one'"))
                    .hasMessageContaining("sync_status");
        }
    }

    @Test
    void cleanup_removes_only_log_entries_older_than_the_retention() throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO media_sync_log (operation, direction, provider, cloud, public_id, status, created_at) VALUES
                    ('upload', 'provider_to_catalog', 'cloudinary', 'demo', 'a', 'success', now() - interval '40 days'),
                    ('upload', 'provider_to_catalog', 'cloudinary', 'demo', 'b', 'success', now() - interval '1 day')""");
            try (ResultSet rs = st.executeQuery("SELECT cleanup_old_sync_logs(interval '30 days')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM media_sync_log WHERE public_id IN ('a', 'b')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> st.execute("SELECT cleanup_old_sync_logs(interval '-1 day')"))
                    .hasMessageContaining("retention must be a non-negative interval");
        }
    }

    @Test
    void signed_in_users_read_and_only_the_service_role_writes() throws SQLException {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute(INSERT.formatted("rls/one", 1, "rls", "one", "{}", "{}"));
            c.setAutoCommit(false);
            st.execute("SET LOCAL ROLE authenticated");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM media_assets WHERE public_id = 'rls/one'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> st.execute("UPDATE media_assets SET display_name = 'x'"))
                    .hasMessageContaining("permission denied");
            c.rollback();
            st.execute("SET LOCAL ROLE service_role");
            assertThat(st.executeUpdate("UPDATE media_assets SET display_name = 'by service' WHERE public_id = 'rls/one'"))
                    .isEqualTo(1);
            c.commit();
            c.setAutoCommit(true);
        }
    }

    @Test
    void migrating_a_second_database_on_the_same_server_reuses_the_roles() throws SQLException {
        // why: roles are cluster-wide; the first FreshDatabase already created them
        var sibling = db.createSibling("roles");
        try (Database other = Database.open(sibling, 2).migrate();
                Connection c = other.connection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_policies WHERE tablename = 'media_assets'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
        } finally {
            db.dropSibling("roles");
        }
    }

    private static java.util.List<String> ids(Statement st, String query) throws SQLException {
        var out = new java.util.ArrayList<String>();
        try (ResultSet rs = st.executeQuery("SELECT public_id FROM media_assets WHERE "
                + "search_document @@ " + query + " ORDER BY public_id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
