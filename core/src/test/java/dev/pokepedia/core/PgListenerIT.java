package dev.pokepedia.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgListenerIT {

    private static final String NAME = "t_listen_" + UUID.randomUUID().toString().substring(0, 8);
    private static DatabaseConfig admin;
    private static DatabaseConfig config;

    /** Records every event as text, in order. */
    private static final class Recorder implements PgListener.Events {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void notification(String channel, String payload) {
            events.add(channel + ":" + payload);
            if (payload.equals("explode")) {
                throw new IllegalStateException("a handler bug on purpose");
            }
        }

        @Override
        public void listening() {
            events.add("listening");
        }

        @Override
        public void lost() {
            events.add("lost");
        }

        String next() throws InterruptedException {
            String e = events.poll(15, TimeUnit.SECONDS);
            assertThat(e).as("an event within 15 s").isNotNull();
            return e;
        }
    }

    @BeforeAll
    static void createDatabase() throws SQLException {
        admin = new DatabaseConfig("jdbc:postgresql://" + System.getenv().getOrDefault("PGHOST", "127.0.0.1") + ":"
                + System.getenv().getOrDefault("PGPORT", "5432") + "/postgres", System.getenv().getOrDefault("PGUSER", "postgres"),
                System.getenv("PGPASSWORD"), DatabaseConfig.Origin.TEST);
        try (Connection c = admin.connect()) {
            c.createStatement().execute("CREATE DATABASE " + NAME);
        }
        config = admin.withDatabase(NAME);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        try (Connection c = admin.connect()) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
        }
    }

    @Test
    void deliversEveryChannelsNotificationsAndReopensALostConnectionSayingSo() throws Exception {
        Recorder r = new Recorder();
        try (PgListener listener = listening(r, "t_a", "t_b")) {
            notify("t_a", "one");
            notify("t_b", "two");
            assertThat(r.next()).isEqualTo("t_a:one");
            assertThat(r.next()).isEqualTo("t_b:two");

            assertThat(terminateListeners()).isEqualTo(1);
            assertThat(r.next()).isEqualTo("lost");
            assertThat(r.next()).as("reopened and reported, so the owner re-reads").isEqualTo("listening");
            assertThat(listener.listening()).isTrue();
            notify("t_a", "three");
            assertThat(r.next()).isEqualTo("t_a:three");
        }
        assertThat(r.events.poll()).as("closing reports the loss").isEqualTo("lost");
    }

    @Test
    void aFailingHandlerDoesNotStopTheListener() throws Exception {
        Recorder r = new Recorder();
        try (PgListener listener = listening(r, "t_c")) {
            notify("t_c", "explode");
            notify("t_c", "after");
            assertThat(r.next()).isEqualTo("t_c:explode");
            assertThat(r.next()).isEqualTo("t_c:after");
            assertThat(listener.listening()).isTrue();
        }
    }

    @Test
    void aServerThatIsDownAnswersNotListeningWithoutWaitingForTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // why: a port that was free a moment ago refuses connections
        }
        DatabaseConfig down = new DatabaseConfig("jdbc:postgresql://127.0.0.1:" + port + "/nothing", "postgres", null,
                DatabaseConfig.Origin.TEST);
        Recorder r = new Recorder();
        try (PgListener listener = new PgListener(down, List.of("t_d"), "test notifications", PgListener.RECONNECT, r)) {
            long t0 = System.nanoTime();
            assertThat(listener.start(Duration.ofSeconds(30))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(listener.listening()).isFalse();
        }
        assertThat(r.events).isEmpty();
    }

    /** A started listener that reported its first LISTEN. */
    private static PgListener listening(Recorder r, String... channels) throws InterruptedException {
        PgListener listener = new PgListener(config, List.of(channels), "test notifications", PgListener.RECONNECT, r);
        assertThat(listener.start(Duration.ofSeconds(10))).isTrue();
        assertThat(r.next()).isEqualTo("listening");
        return listener;
    }

    private static void notify(String channel, String payload) throws SQLException {
        try (Connection c = config.connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    private static int terminateListeners() throws SQLException {
        try (Connection c = config.connect(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN %'""")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
