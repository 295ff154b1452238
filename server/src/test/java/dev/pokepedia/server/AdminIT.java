package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SettableClock;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin dashboard: login, sessions, CSRF, throttling, panels with real numbers, and what each button does. */
class AdminIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static final String PASSWORD = "correct horse battery staple";
    static final String QUEUE = "pokepedia_ingest";
    static final List<List<String>> seeds = new CopyOnWriteArrayList<>();
    static PokepediaServer server;
    static Http http;
    static Queues queues;
    AdminClient admin;

    /** Records seeds; schedules are left unavailable, like a serve without the live path. */
    static final AdminActions ACTIONS = new AdminActions() {
        @Override
        public long seed(List<String> types) {
            seeds.add(types);
            return 42;
        }

        @Override
        public String runVerify() {
            throw new IllegalStateException("verifier exploded on purpose");
        }

        @Override
        public void setScheduleEnabled(String name, boolean enabled) {
            throw new ActionUnavailableException("schedule " + (enabled ? "enable" : "disable"));
        }

        @Override
        public java.util.Optional<CrawlSummary> crawl() {
            return java.util.Optional.of(new CrawlSummary(3, java.time.Instant.now().minusSeconds(120), 1));
        }
    };

    @BeforeAll
    static void start() throws Exception {
        var store = Mirror.load(db.database(), Files.createTempDirectory("admin-storage"));
        queues = Queues.open(db.database());
        // why: the live module's migration creates these in a full build; this module's tests do not have it
        queues.create("pokepedia_ingest");
        queues.create("pokepedia_sprites");
        server = PokepediaServer.builder(db.database())
                .options(ServerOptions.defaults().withPort(0).withAdminPassword(new AdminPassword(PASSWORD)))
                .objectStore(store).queues(queues).adminActions(ACTIONS).start();
        http = new Http(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
        queues.close();
    }

    @BeforeEach
    void client() {
        admin = new AdminClient(http);
    }

    @Test
    void logsInWithThePasswordAndShowsRealNumbers() throws Exception {
        admin.loginOk(PASSWORD);
        String session = admin.cookie("pokepedia_admin");
        assertThat(session).isNotBlank();
        String page = Http.text(admin.get("/admin"));
        // the same number verify prints ("N documents in M resource types"): every live document
        long docs = scalar("SELECT count(*) FROM pokeapi_resources WHERE deleted_at IS NULL");
        assertThat(page).contains("<strong>" + docs + "</strong> documents stored");
        assertThat(page).contains("data-queue=\"pokepedia_ingest\"").contains("data-queue=\"pokepedia_sprites\"");
        assertThat(page).contains("pokedex-cries").contains("pokedex-sprites");
        assertThat(page).contains("Last run #");
        // the crawler's line comes from the wired actions (serve asks live), not from the server's own SQL
        assertThat(page).contains("Crawler: 3 documents crawled, last check").contains("1 changed in the last hour");
        for (String panel : List.of("queues", "sync", "appsync", "media", "schedules", "errors", "actions")) {
            assertThat(admin.get("/admin/panels/" + panel).statusCode()).as(panel).isEqualTo(200);
        }
    }

    @Test
    void appSyncPanelShowsClientsAndOperationsOfEveryProcess() throws Exception {
        admin.loginOk(PASSWORD);
        // a push through another process's service: the panel counts from the database
        try (var other = dev.pokepedia.sync.SyncService.open(db.database(), dev.pokepedia.sync.SyncConfig.withSecret(null, null), null,
                java.time.Clock.systemUTC())) {
            other.push(dev.pokepedia.sync.SyncService.trusted(new dev.pokepedia.sync.UserId("panel-user")),
                    new dev.pokepedia.sync.PushRequest("panel-client", List.of(dev.pokepedia.sync.Operation.upsert(1, "players", "panel-p1", 0,
                            Http.JSON.readTree("{\"name\":\"x\"}")))));
        }
        String panel = Http.text(admin.get("/admin/panels/appsync"));
        assertThat(panel).contains("set POKEPEDIA_JWT_SECRET").contains("data-stat=\"clients\">1<").contains("data-stat=\"ops-minute\">1<");
        assertThat(Http.text(admin.get("/admin"))).contains("App sync").contains("id=\"appsync-table\"");
    }

    @Test
    void sessionCookieIsHttpOnlySameSiteStrictAndScopedToAdmin() {
        HttpResponse<byte[]> form = admin.get("/admin/login");
        HttpResponse<byte[]> r = admin.post("/admin/login", "csrf=" + AdminClient.token(Http.text(form)) + "&password=" + AdminClient.enc(PASSWORD));
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("pokepedia_admin=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/admin");
    }

    @Test
    void wrongPasswordIs401AndGivesNoSession() {
        HttpResponse<byte[]> r = admin.login("not the password");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.text(r)).contains("Wrong password.");
        assertThat(admin.cookie("pokepedia_admin")).isNull();
        assertThat(admin.get("/admin").statusCode()).isEqualTo(303);
    }

    @Test
    void loginWithoutTheFormTokenIs403() {
        HttpResponse<byte[]> r = admin.post("/admin/login", "password=" + AdminClient.enc(PASSWORD));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.text(r)).contains("login form expired");
        assertThat(admin.cookie("pokepedia_admin")).isNull();
    }

    @Test
    void adminRoutesWithoutASessionRedirectOrAre401AndTouchNothing() throws Exception {
        HttpResponse<byte[]> page = admin.get("/admin");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/admin/login");
        HttpResponse<byte[]> panel = admin.get("/admin/panels/queues");
        assertThat(panel.statusCode()).isEqualTo(401);
        assertThat(Http.json(panel).path("detail").asText()).contains("Log in first");
        HttpResponse<byte[]> post = admin.post("/admin/queues/" + QUEUE + "/pause", "csrf=anything");
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(paused(QUEUE)).isFalse();
        admin.setCookie("pokepedia_admin", "99999999999.forged.signature");
        assertThat(admin.get("/admin/panels/queues").statusCode()).isEqualTo(401);
    }

    @Test
    void postsWithoutTheCsrfTokenAre403AndTouchNothing() throws Exception {
        admin.loginOk(PASSWORD);
        HttpResponse<byte[]> none = admin.post("/admin/queues/" + QUEUE + "/pause", "x=1");
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(Http.json(none).path("detail").asText()).contains("CSRF");
        HttpResponse<byte[]> wrong = admin.post("/admin/queues/" + QUEUE + "/pause", "csrf=" + admin.csrf + "x");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(admin.post("/admin/actions/seed", "types=pokemon").statusCode()).isEqualTo(403);
        assertThat(paused(QUEUE)).isFalse();
        assertThat(seeds).doesNotContain(List.of("pokemon"));
    }

    @Test
    void pauseAndResumeAQueue() throws Exception {
        admin.loginOk(PASSWORD);
        HttpResponse<byte[]> r = admin.post("/admin/queues/" + QUEUE + "/pause", "csrf=" + admin.csrf, "HX-Request", "true");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.text(r)).contains("paused " + QUEUE);
        assertThat(r.headers().firstValue("HX-Trigger")).hasValue("refresh");
        assertThat(paused(QUEUE)).isTrue();
        assertThat(Http.text(admin.get("/admin/panels/queues"))).contains("badge\">paused");
        assertThat(admin.post("/admin/queues/" + QUEUE + "/resume", "csrf=" + admin.csrf).statusCode()).isEqualTo(303);
        assertThat(paused(QUEUE)).isFalse();
        assertThat(admin.post("/admin/queues/no_such_queue/pause", "csrf=" + admin.csrf).statusCode()).isEqualTo(404);
        assertThat(admin.post("/admin/queues/" + QUEUE + "/explode", "csrf=" + admin.csrf).statusCode()).isEqualTo(404);
    }

    @Test
    void retriesAndDiscardsDeadLetters() throws Exception {
        admin.loginOk(PASSWORD);
        String q = "pokepedia_sprites";
        deadLetter(q, "{\"test\":1}", "sprite host said 500");
        assertThat(Http.text(admin.get("/admin/panels/errors"))).contains("sprite host said 500");
        HttpResponse<byte[]> retry = admin.post("/admin/queues/" + q + "/retry", "csrf=" + admin.csrf, "HX-Request", "true");
        assertThat(Http.text(retry)).contains("put 1 dead letters of " + q + " back");
        assertThat(queues.metrics(q).length()).isEqualTo(1);
        queues.purge(q);
        deadLetter(q, "{\"test\":2}", "gone for good");
        HttpResponse<byte[]> discard = admin.post("/admin/queues/" + q + "/discard", "csrf=" + admin.csrf, "HX-Request", "true");
        assertThat(Http.text(discard)).contains("discarded 1 dead letters");
        assertThat(scalar("SELECT count(*) FROM pokepedia_queue_archive WHERE dead")).isZero();
    }

    @Test
    void retryFailedAssetsMarksThemPending() throws Exception {
        admin.loginOk(PASSWORD);
        exec("UPDATE pokepedia_assets SET status = 'failed', last_error = 'HTTP 503' WHERE id = (SELECT min(id) FROM pokepedia_assets WHERE status = 'stored')");
        assertThat(scalar("SELECT count(*) FROM pokepedia_assets WHERE status = 'failed'")).isEqualTo(1);
        HttpResponse<byte[]> r = admin.post("/admin/media/retry-failed", "csrf=" + admin.csrf, "HX-Request", "true");
        assertThat(Http.text(r)).contains("1 failed assets marked pending");
        assertThat(scalar("SELECT count(*) FROM pokepedia_assets WHERE status = 'failed'")).isZero();
        assertThat(scalar("SELECT count(*) FROM pokepedia_assets WHERE status = 'pending'")).isEqualTo(1);
    }

    @Test
    void seedRunsTheWiredActionWithTheChosenTypes() {
        admin.loginOk(PASSWORD);
        HttpResponse<byte[]> r = admin.post("/admin/actions/seed", "csrf=" + admin.csrf + "&types=pokemon&types=move", "HX-Request", "true");
        assertThat(Http.text(r)).contains("seed pokemon, move: started");
        await().atMost(Duration.ofSeconds(10)).until(() -> seeds.contains(List.of("pokemon", "move")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.text(admin.get("/admin/panels/actions")).contains("42 messages enqueued"));
        assertThat(admin.post("/admin/actions/seed", "csrf=" + admin.csrf + "&types=" + AdminClient.enc("pokemon;drop"), "HX-Request", "true")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void aFailingActionShowsInRecentErrorsAndAnUnwiredOneIs501() {
        admin.loginOk(PASSWORD);
        admin.post("/admin/actions/verify", "csrf=" + admin.csrf, "HX-Request", "true");
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.text(admin.get("/admin/panels/errors")).contains("verifier exploded on purpose"));
        HttpResponse<byte[]> r = admin.post("/admin/schedules/nightly-seed/disable", "csrf=" + admin.csrf, "HX-Request", "true");
        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(Http.json(r).path("detail").asText()).contains("not available");
    }

    @Test
    void logoutEndsTheSession() {
        admin.loginOk(PASSWORD);
        String session = admin.cookie("pokepedia_admin");
        assertThat(admin.post("/admin/logout", "csrf=" + admin.csrf).statusCode()).isEqualTo(303);
        admin.setCookie("pokepedia_admin", session); // a stolen copy of the cookie no longer works either
        assertThat(admin.get("/admin/panels/queues").statusCode()).isEqualTo(401);
    }

    @Test
    void adminIsDisabledWithoutAPassword() {
        try (PokepediaServer open = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)).start()) {
            Http h = new Http(open.baseUri());
            for (String p : List.of("/admin", "/admin/login", "/admin/panels/queues")) {
                HttpResponse<byte[]> r = h.get(p);
                assertThat(r.statusCode()).as(p).isEqualTo(403);
                assertThat(Http.json(r).path("detail").asText()).contains("POKEPEDIA_ADMIN_PASSWORD");
            }
            HttpResponse<byte[]> post = h.send("POST", "/admin/login", "password=" + AdminClient.enc(PASSWORD));
            assertThat(post.statusCode()).isEqualTo(403);
            assertThat(post.headers().allValues("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void wrongPasswordsAreRateLimitedPerClientUntilTheWindowPasses() {
        SettableClock clock = new SettableClock(Instant.parse("2026-07-10T12:00:00Z"));
        try (PokepediaServer s = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)
                .withAdminPassword(new AdminPassword(PASSWORD)).withClock(clock)).queues(queues).start()) {
            AdminClient c = new AdminClient(new Http(s.baseUri()));
            for (int i = 0; i < 5; i++) {
                assertThat(c.login("guess " + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<byte[]> blocked = c.login(PASSWORD); // even the right password waits out the window
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
            assertThat(Http.text(blocked)).contains("Too many wrong passwords");
            assertThat(c.cookie("pokepedia_admin")).isNull();
            clock.advance(Duration.ofMinutes(16));
            assertThat(c.login(PASSWORD).statusCode()).isEqualTo(303);
        }
    }

    @Test
    void wrongPasswordsFromManyAddressesDoNotLockTheAdminOutOfOtherAddresses() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-07-10T12:00:00Z"));
        try (PokepediaServer s = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)
                .withAdminPassword(new AdminPassword(PASSWORD)).withClock(clock)).queues(queues).start()) {
            // why: 10 addresses x 5 guesses = 50 wrong passwords, which used to trip a limit for everyone
            for (int a = 2; a <= 11; a++) {
                AdminClient guesser = new AdminClient(new Http(s.baseUri(), InetAddress.getByName("127.0.0." + a)));
                for (int i = 0; i < 5; i++) {
                    assertThat(guesser.login("guess " + i).statusCode()).as("127.0.0.%d guess %d", a, i).isEqualTo(401);
                }
                assertThat(guesser.login(PASSWORD).statusCode()).as("127.0.0.%d is throttled itself", a).isEqualTo(429);
            }
            AdminClient owner = new AdminClient(new Http(s.baseUri()));
            HttpResponse<byte[]> r = owner.login(PASSWORD);
            assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(303);
            assertThat(owner.cookie("pokepedia_admin")).isNotBlank();
        }
    }

    @Test
    void behindAProxyOnThisMachineEachForwardedClientIsThrottledOnItsOwn() {
        SettableClock clock = new SettableClock(Instant.parse("2026-07-10T12:00:00Z"));
        try (PokepediaServer s = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)
                .withAdminPassword(new AdminPassword(PASSWORD)).withPublicUrl(URI.create("https://pokedex.example")).withClock(clock))
                .queues(queues).start()) {
            AdminClient proxy = new AdminClient(new Http(URI.create("http://127.0.0.1:" + s.port())));
            for (int i = 0; i < 5; i++) {
                assertThat(proxy.login("guess " + i, "X-Forwarded-For", "203.0.113.66").statusCode()).isEqualTo(401);
            }
            assertThat(proxy.login(PASSWORD, "X-Forwarded-For", "203.0.113.66").statusCode()).isEqualTo(429);
            assertThat(proxy.login(PASSWORD, "X-Forwarded-For", "6.6.6.6, 198.51.100.7").statusCode())
                    .as("the admin behind the same proxy is another client").isEqualTo(303);
        }
    }

    @Test
    void adminPostsFromAnotherSiteAre403EvenWithSessionAndToken() throws Exception {
        admin.loginOk(PASSWORD);
        String pause = "/admin/queues/" + QUEUE + "/pause";
        HttpResponse<byte[]> foreign = admin.post(pause, "csrf=" + admin.csrf, "Origin", "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(Http.json(foreign).path("detail").asText()).contains("another site").contains("https://evil.example");
        HttpResponse<byte[]> crossSite = admin.post(pause, "csrf=" + admin.csrf, "Sec-Fetch-Site", "cross-site");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(Http.json(crossSite).path("detail").asText()).contains("cross-site");
        assertThat(admin.post(pause, "csrf=" + admin.csrf, "Origin", "null").statusCode()).isEqualTo(403);
        assertThat(admin.post(pause, "csrf=" + admin.csrf, "Sec-Fetch-Site", "same-site", "Origin", "https://sub.127.0.0.1.example").statusCode())
                .isEqualTo(403);
        AdminClient other = new AdminClient(http);
        String token = AdminClient.token(Http.text(other.get("/admin/login")));
        HttpResponse<byte[]> login = other.post("/admin/login", "csrf=" + token + "&password=" + AdminClient.enc(PASSWORD), "Origin", "https://evil.example");
        assertThat(login.statusCode()).as("no login from another site's form either").isEqualTo(403);
        assertThat(other.cookie("pokepedia_admin")).isNull();
        assertThat(paused(QUEUE)).isFalse();
    }

    @Test
    void adminPostsFromOurOwnPagesOrWithoutOriginAreAccepted() throws Exception {
        admin.loginOk(PASSWORD);
        String own = server.baseUri().toString();
        assertThat(admin.post("/admin/queues/" + QUEUE + "/pause", "csrf=" + admin.csrf, "Origin", own, "Sec-Fetch-Site", "same-origin")
                .statusCode()).isEqualTo(303);
        assertThat(paused(QUEUE)).isTrue();
        assertThat(admin.post("/admin/queues/" + QUEUE + "/resume", "csrf=" + admin.csrf).statusCode()).as("curl: no Origin").isEqualTo(303);
        assertThat(paused(QUEUE)).isFalse();
        // a page reached under another name of this host (the Host header) is ours too
        URI byName = URI.create("http://localhost:" + server.baseUri().getPort());
        AdminClient local = new AdminClient(new Http(byName));
        local.loginOk(PASSWORD);
        assertThat(local.post("/admin/queues/" + QUEUE + "/pause", "csrf=" + local.csrf, "Origin", byName.toString()).statusCode()).isEqualTo(303);
        assertThat(local.post("/admin/queues/" + QUEUE + "/resume", "csrf=" + local.csrf, "Origin", "http://localhost:" + (server.port() + 1)).statusCode())
                .as("another port is another origin").isEqualTo(403);
        assertThat(local.post("/admin/queues/" + QUEUE + "/resume", "csrf=" + local.csrf, "Origin", byName.toString()).statusCode()).isEqualTo(303);
    }

    @Test
    void behindThePublicUrlItsOriginIsOurOwn() {
        try (PokepediaServer s = PokepediaServer.builder(db.database()).options(ServerOptions.defaults().withPort(0)
                .withAdminPassword(new AdminPassword(PASSWORD)).withPublicUrl(URI.create("https://pokedex.example"))).queues(queues).start()) {
            AdminClient c = new AdminClient(new Http(URI.create("http://127.0.0.1:" + s.port())));
            HttpResponse<byte[]> form = c.get("/admin/login");
            HttpResponse<byte[]> r = c.post("/admin/login", "csrf=" + AdminClient.token(Http.text(form)) + "&password=" + AdminClient.enc(PASSWORD),
                    "Origin", "https://pokedex.example", "Sec-Fetch-Site", "same-origin");
            assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(303);
            assertThat(c.post("/admin/logout", "x=1", "Origin", "https://pokedex.example:8443").statusCode()).isEqualTo(403);
        }
    }

    private static void deadLetter(String queue, String body, String error) {
        queues.send(queue, body);
        List<Message> got = queues.read(queue, Duration.ofSeconds(30), 1);
        assertThat(got).hasSize(1);
        assertThat(queues.deadLetter(got.getFirst(), error)).isTrue();
    }

    private static boolean paused(String queue) throws Exception {
        return scalar("SELECT CASE WHEN paused THEN 1 ELSE 0 END FROM get_pokepedia_queue_stats() WHERE queue_name = '" + queue + "'") == 1;
    }

    private static long scalar(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }
}
