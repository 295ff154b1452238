package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.core.Database;
import dev.pokepedia.testkit.FreshDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change feed: committed writes of the canonical store and the projections are announced, rolled back ones not. */
class ChangeFeedIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private ChangeFeed feed;
    private Database pool;

    private record Connected(boolean missed) {}

    private record Disconnected() {}

    @BeforeEach
    void start() throws InterruptedException {
        Rows.reset(db.database());
        pool = Database.open(db.config(), 4);
        feed = new ChangeFeed(db.config(), new ChangeFeed.Listener() {
            @Override
            public void changed(ChangeFeed.Change change) {
                events.add(change);
            }

            @Override
            public void connected(boolean missedChanges) {
                events.add(new Connected(missedChanges));
            }

            @Override
            public void disconnected() {
                events.add(new Disconnected());
            }
        }).start();
        assertThat(next()).isEqualTo(new Connected(true));
    }

    @AfterEach
    void stop() {
        feed.close();
        pool.close();
    }

    @Test
    void a_committed_document_write_is_announced_with_its_id_and_the_next_counter_value() throws Exception {
        DocumentStore store = new DocumentStore(pool.dataSource());
        store.upsert(List.of(store.prepare(new DocumentId("pokemon", "25"), "{\"id\":25,\"name\":\"pikachu\"}".getBytes(StandardCharsets.UTF_8), null)), "test");
        ChangeFeed.Change first = nextChange();
        assertThat(first.documents().ids()).containsExactly("pokemon/25");

        store.refreshProjections();
        ChangeFeed.Change second = nextChange();
        assertThat(second.projections().ids()).contains("pokemon");
        assertThat(second.counter()).isEqualTo(first.counter() + 1);

        store.tombstone(new DocumentId("pokemon", "25"));
        assertThat(nextChange().documents().ids()).containsExactly("pokemon/25");
    }

    @Test
    void a_rolled_back_write_is_not_announced() throws Exception {
        try (Connection c = pool.connection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            insertMove(st, "1");
            c.rollback();
            insertMove(st, "2");
            c.commit();
        }
        assertThat(nextChange().documents().ids()).containsExactly("move/2");
    }

    @Test
    void a_change_while_the_connection_is_lost_is_reported_as_missed_after_reconnecting() throws Exception {
        try (Connection c = pool.connection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            insertMove(st, "3");
            // why in the same transaction: the change commits right after the listener's connection is gone
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND application_name = '" + ChangeFeed.APPLICATION_NAME + "'");
            c.commit();
        }
        assertThat(next()).isEqualTo(new Disconnected());
        assertThat(next()).isEqualTo(new Connected(true));
    }

    /** A bare row of move {@code key}, written the way any writer might, outside corpus's store. */
    private static void insertMove(Statement st, String key) throws SQLException {
        st.execute("INSERT INTO pokeapi_resources (resource_type, resource_key, data, sha256, source) VALUES ('move', '" + key + "', '{}', 'sha-"
                + key + "', 't')");
    }

    private ChangeFeed.Change nextChange() throws InterruptedException {
        return (ChangeFeed.Change) next();
    }

    private Object next() throws InterruptedException {
        Object e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an event within 10 s").isNotNull();
        return e;
    }
}
