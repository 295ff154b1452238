package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.server.PokepediaServer;
import dev.pokepedia.server.ServerOptions;
import dev.pokepedia.sync.SyncConfig;
import dev.pokepedia.sync.SyncService;
import dev.pokepedia.syncclient.ClientLog;
import dev.pokepedia.syncclient.ConflictStrategy;
import dev.pokepedia.syncclient.Entity;
import dev.pokepedia.syncclient.EntityRegistry;
import dev.pokepedia.syncclient.LocalStore;
import dev.pokepedia.syncclient.Query;
import dev.pokepedia.syncclient.SyncClient;
import dev.pokepedia.syncclient.SyncResult;
import dev.pokepedia.testkit.FreshDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync-client library against the real /sync/v1 server (PokepediaServer + SyncService on real Postgres): two
 * SQLite stores of one user edit offline, sync, settle conflicts by strategy, and end equal to each other and to the
 * server's tables; another user sees none of it.
 */
class SyncEndToEndIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static final String SECRET = "e2e-secret-" + "y".repeat(40);
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TYPES = List.of("players", "teams", "seasons", "tournaments", "personnel", "settings", "warmup_plan",
            "team_rosters", "player_adjustments", "games");

    static SyncService sync;
    static PokepediaServer server;

    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void start() {
        sync = SyncService.open(db.database(), SyncConfig.withSecret(SECRET, SyncConfig.SECRET_ENV), null, Clock.systemUTC());
        server = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).syncService(sync).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        sync.close();
    }

    @AfterEach
    void closeDevices() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    static String token(String user) {
        return JWT.create().withSubject(user).withClaim("role", "authenticated").withExpiresAt(Instant.now().plusSeconds(600))
                .sign(Algorithm.HMAC256(SECRET));
    }

    SyncClient device(String file, String user, ConflictStrategy strategy) {
        LocalStore store = LocalStore.open(dir.resolve(file), EntityRegistry.reference());
        String t = token(user);
        SyncClient c = SyncClient.create(store, dev.pokepedia.syncclient.SyncConfig.defaults(server.baseUri(), () -> t)
                .withAutoSync(false).withStrategy(strategy));
        open.add(store);
        open.add(c);
        return c;
    }

    static ObjectNode o(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static String uid() {
        return UUID.randomUUID().toString();
    }

    /** Every live entity of a store, type → id → payload (compared as JSON: the server's jsonb orders keys its own way). */
    static Map<String, Map<String, JsonNode>> contents(LocalStore s) {
        Map<String, Map<String, JsonNode>> all = new TreeMap<>();
        for (String type : TYPES) {
            Map<String, JsonNode> rows = new TreeMap<>();
            for (Entity e : s.query(Query.of(type))) {
                rows.put(e.id(), e.payload());
            }
            all.put(type, rows);
        }
        return all;
    }

    /** The user's live rows in the server's tables (as the service role: RLS does not apply to the test's owner). */
    static Map<String, Map<String, JsonNode>> serverContents(String user) throws Exception {
        Map<String, Map<String, JsonNode>> all = new TreeMap<>();
        try (Connection c = db.database().connection()) {
            for (String type : TYPES) {
                Map<String, JsonNode> rows = new TreeMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, payload::text FROM " + type + " WHERE user_id = ? AND deleted_at IS NULL")) {
                    ps.setString(1, user);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.put(rs.getString(1), JSON.readTree(rs.getString(2)));
                        }
                    }
                }
                all.put(type, rows);
            }
        }
        return all;
    }

    static String name(SyncClient d, String type, String id) {
        return d.store().get(type, id).orElseThrow().payload().get("name").asText();
    }

    /** Waits (without sleeping) until the wall clock passed a point, so the next edit's clock stamp is clearly later. */
    static void clockMovesOn() {
        long until = System.currentTimeMillis() + 300;
        await().pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > until);
    }

    @Test
    void two_devices_edit_offline_and_converge_with_newest_wins() throws Exception {
        String user = "user-" + uid();
        SyncClient a = device("a.db", user, ConflictStrategy.NEWEST_WINS);
        SyncClient b = device("b.db", user, ConflictStrategy.NEWEST_WINS);
        String p1 = uid(), t1 = uid(), r1 = uid(), g1 = uid(), season = uid(), plan = "warmup_plan:" + user;

        a.store().save("players", o("{'id':'" + p1 + "','name':'Ash','jersey_number':7}"));
        a.store().save("teams", o("{'id':'" + t1 + "','name':'Pallet','season_id':'" + season + "'}"));
        a.store().save("team_rosters", o("{'id':'" + r1 + "','team_id':'" + t1 + "','roster':['" + p1 + "']}"));
        a.store().save("seasons", o("{'id':'" + season + "','name':'2026'}"));
        a.store().save("settings", o("{'id':'settings:" + user + "','language':'en','theme':'dark'}"));
        a.store().save("warmup_plan", o("{'id':'" + plan + "','name':'Default','sections':[{'title':'run'}]}"));
        a.store().save("games", o("{'id':'" + g1 + "','team_id':'" + t1 + "','opponent':'Viridian','players':[{'id':'" + p1
                + "'}],'events':[{'type':'goal','player':'" + p1 + "'}],'assessments':{},'tactical_data':{}}"));
        new ClientLog(a.store()).logApiCall("pokeapi", "fetch", 1.0, Map.of("path", "/api/v2/pokemon/1"));
        SyncResult first = a.sync();
        assertThat(first.error()).isEmpty();
        assertThat(first.failed()).isZero();
        assertThat(first.pushed()).isEqualTo(8);
        assertThat(b.sync().pulled()).isEqualTo(7);
        assertThat(contents(b.store())).isEqualTo(contents(a.store()));

        // offline on both: the same player edited on each (B later), a roster removed on A, a new player on B
        a.store().save("players", o("{'id':'" + p1 + "','name':'Ash (A, earlier)','jersey_number':7}"));
        a.store().delete("team_rosters", r1);
        clockMovesOn();
        b.store().save("players", o("{'id':'" + p1 + "','name':'Ash (B, later)','jersey_number':8}"));
        String p2 = uid();
        b.store().save("players", o("{'id':'" + p2 + "','name':'Misty'}"));

        assertThat(a.sync().conflicts()).isZero();
        SyncResult rb = b.sync();
        assertThat(rb.conflicts()).isEqualTo(1);
        assertThat(rb.error()).isEmpty();
        b.sync(); // pushes B's newer edit rebased on the server's version
        a.sync();

        assertThat(name(a, "players", p1)).isEqualTo("Ash (B, later)");
        assertThat(a.store().get("team_rosters", r1)).isEmpty();
        assertThat(b.store().get("team_rosters", r1)).isEmpty();
        assertThat(contents(a.store())).isEqualTo(contents(b.store())).isEqualTo(serverContents(user));
        assertThat(serverContents(user).get("players")).hasSize(2);
        assertThat(a.store().verifyIntegrity().healthy()).isTrue();
        assertThat(b.store().verifyIntegrity().healthy()).isTrue();
        assertThat(a.store().outbox().count(dev.pokepedia.syncclient.OpStatus.PENDING)).isZero();
        assertThat(b.store().outbox().count(dev.pokepedia.syncclient.OpStatus.PENDING)).isZero();
    }

    @Test
    void a_manual_conflict_is_listed_resolved_and_reaches_both_devices() throws Exception {
        String user = "user-" + uid();
        SyncClient a = device("a.db", user, ConflictStrategy.MANUAL);
        SyncClient b = device("b.db", user, ConflictStrategy.MANUAL);
        String t1 = uid();
        a.store().save("teams", o("{'id':'" + t1 + "','name':'Pallet'}"));
        a.sync();
        b.sync();
        a.store().save("teams", o("{'id':'" + t1 + "','name':'Pallet (A)'}"));
        b.store().save("teams", o("{'id':'" + t1 + "','name':'Pallet (B)'}"));
        a.sync();
        assertThat(b.sync().conflicts()).isEqualTo(1);
        assertThat(b.store().conflicts()).singleElement().satisfies(k -> {
            assertThat(k.localPayload().orElseThrow().get("name").asText()).isEqualTo("Pallet (B)");
            assertThat(k.serverPayload().orElseThrow().get("name").asText()).isEqualTo("Pallet (A)");
        });
        b.resolve("teams", t1, SyncClient.Resolution.CUSTOM, o("{'id':'" + t1 + "','name':'Pallet (A+B)'}"));
        assertThat(b.sync().pushed()).isEqualTo(1);
        a.sync();
        assertThat(name(a, "teams", t1)).isEqualTo("Pallet (A+B)");
        assertThat(b.store().conflicts()).isEmpty();
        assertThat(contents(a.store())).isEqualTo(contents(b.store())).isEqualTo(serverContents(user));
    }

    @Test
    void a_push_from_one_device_reaches_the_other_through_server_sent_events() {
        String user = "user-" + uid();
        SyncClient a = device("a.db", user, ConflictStrategy.NEWEST_WINS);
        LocalStore store = LocalStore.open(dir.resolve("b.db"), EntityRegistry.reference());
        String t = token(user);
        // why a 10-minute interval: only an `event: change` from the server can make B pull within the wait below
        SyncClient b = SyncClient.create(store, dev.pokepedia.syncclient.SyncConfig.defaults(server.baseUri(), () -> t)
                .withInterval(Duration.ofMinutes(10)));
        open.add(store);
        open.add(b);
        b.start();
        // why: B's first sync (on start) must be over, so that only an event can bring it A's player
        await().atMost(Duration.ofSeconds(20)).until(() -> b.status().lastSynced().isPresent() && !b.status().syncing());
        String p1 = uid();
        int[] round = {0};
        // why a push per poll: B's event stream may connect after the first push; any later one must arrive
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            a.store().save("players", o("{'id':'" + p1 + "','name':'round " + (++round[0]) + "'}"));
            a.sync();
            return store.get("players", p1).isPresent();
        });
    }

    @Test
    void a_singleton_deleted_and_saved_again_is_recreated_on_the_server() throws Exception {
        // why: the server answers base_version 0 against its tombstone as a conflict; the client settles it
        String user = "user-" + uid();
        SyncClient a = device("a.db", user, ConflictStrategy.NEWEST_WINS);
        SyncClient b = device("b.db", user, ConflictStrategy.NEWEST_WINS);
        String id = "settings:" + user;
        a.store().save("settings", o("{'id':'" + id + "','language':'en'}"));
        a.sync();
        a.store().delete("settings", id);
        a.sync();
        a.store().save("settings", o("{'id':'" + id + "','language':'fi'}"));
        a.sync();
        a.sync();
        b.sync();
        assertThat(a.store().outbox().count(dev.pokepedia.syncclient.OpStatus.PENDING)).isZero();
        assertThat(serverContents(user).get("settings")).containsEntry(id, o("{'id':'" + id + "','language':'fi'}"));
        assertThat(contents(a.store())).isEqualTo(contents(b.store())).isEqualTo(serverContents(user));
    }

    CliRun cli(String store, String user, String... args) {
        String[] head = {"client", "--store", dir.resolve(store).toString(), "--server", server.baseUri().toString(), "--token", token(user)};
        String[] all = new String[head.length + args.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(args, 0, all, head.length, args.length);
        return CliRun.run(all);
    }

    @Test
    void the_readme_session_through_the_cli_converges() throws Exception {
        String user = "user-" + uid();
        String p = "p-" + uid();
        assertThat(cli("a.db", user, "save", "players", "{\"id\":\"" + p + "\",\"name\":\"Ash\",\"jersey_number\":1}").out()).contains("pushed 1");
        assertThat(cli("b.db", user, "sync").out()).contains("pulled 1");
        assertThat(cli("a.db", user, "--offline", "save", "players", "{\"id\":\"" + p + "\",\"name\":\"Ash (A)\",\"jersey_number\":1}").exit()).isZero();
        assertThat(cli("b.db", user, "--offline", "save", "players", "{\"id\":\"" + p + "\",\"name\":\"Ash (B)\",\"jersey_number\":10}").exit()).isZero();
        assertThat(cli("a.db", user, "sync").out()).contains("pushed 1");
        assertThat(cli("b.db", user, "--strategy", "manual", "sync").out()).contains("conflicts 1");
        assertThat(cli("b.db", user, "conflicts").out()).contains("\"name\":\"Ash (B)\"").contains("\"name\":\"Ash (A)\"");
        assertThat(cli("b.db", user, "resolve", "players", p, "--payload", "{\"id\":\"" + p + "\",\"name\":\"Ash (A+B)\",\"jersey_number\":10}").out())
                .contains("pushed 1");
        assertThat(cli("a.db", user, "sync").out()).contains("pulled 1");
        String a = cli("a.db", user, "list", "players", "--json").out().trim();
        assertThat(a).isEqualTo(cli("b.db", user, "list", "players", "--json").out().trim()).contains("Ash (A+B)");
        assertThat(JSON.readTree(a).get(0)).isEqualTo(serverContents(user).get("players").get(p));
        assertThat(cli("a.db", user, "verify").exit()).isZero();
        assertThat(cli("b.db", user, "verify").exit()).isZero();
    }

    @Test
    void another_user_sees_nothing_and_cannot_take_over_an_id() throws Exception {
        String alice = "user-" + uid(), mallory = "user-" + uid();
        SyncClient a = device("alice.db", alice, ConflictStrategy.NEWEST_WINS);
        String p1 = uid();
        a.store().save("players", o("{'id':'" + p1 + "','name':'Ash'}"));
        a.sync();

        SyncClient m = device("mallory.db", mallory, ConflictStrategy.NEWEST_WINS);
        assertThat(m.sync().pulled()).isZero();
        assertThat(m.store().get("players", p1)).isEmpty();
        m.store().save("players", o("{'id':'" + p1 + "','name':'stolen'}"));
        SyncResult r = m.sync();
        assertThat(r.pushed()).isZero();
        assertThat(r.failed()).isEqualTo(1);
        assertThat(serverContents(alice).get("players")).containsEntry(p1, o("{'id':'" + p1 + "','name':'Ash'}"));
        assertThat(serverContents(mallory).get("players")).isEmpty();
    }

    @Test
    void an_edit_of_a_row_whose_tombstone_was_pruned_is_settled_not_stuck() throws Exception {
        String user = "user-" + uid();
        SyncClient a = device("a.db", user, ConflictStrategy.REMOTE_WINS);
        SyncClient b = device("b.db", user, ConflictStrategy.REMOTE_WINS);
        String p1 = uid(), p2 = uid();
        a.store().save("players", o("{'id':'" + p1 + "','name':'Ash'}"));
        a.store().save("players", o("{'id':'" + p2 + "','name':'Brock'}"));
        a.sync();
        b.sync();
        a.store().delete("players", p1);
        a.sync();
        sync.pruneTombstones(Duration.ZERO); // the server forgets the delete: B's base version names a row it no longer has
        b.store().save("players", o("{'id':'" + p1 + "','name':'Ash (B)'}"));
        SyncResult r = b.sync();
        assertThat(r.error()).isEmpty();
        assertThat(r.conflicts()).isEqualTo(1);
        b.sync();
        a.sync();
        assertThat(b.store().get("players", p1)).isEmpty();
        assertThat(b.store().outbox().count(dev.pokepedia.syncclient.OpStatus.PENDING)).isZero();
        assertThat(contents(a.store())).isEqualTo(contents(b.store())).isEqualTo(serverContents(user));
    }
}
