package dev.pokepedia.app.bench;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.DatabaseLocator;
import dev.pokepedia.medialibrary.AssetPage;
import dev.pokepedia.medialibrary.CloudinaryConfig;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.MediaProviders;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ReconcileReport;
import dev.pokepedia.medialibrary.WebhookVerifier;
import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.server.PokepediaServer;
import dev.pokepedia.server.ServerOptions;
import dev.pokepedia.testkit.FreshDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The media library benchmarks of issue 17, each with a baseline measured in the same run:
 * <ol>
 *   <li>reconcile of {@code N} assets (default 100,000) against the fake Cloudinary through the official SDK: the
 *       first (filling) run, a run with nothing changed (target ≤ 10 s), a run with 1 % changed (only those written);
 *       baseline: paging the same listing through the same provider without the database (the floor);</li>
 *   <li>{@code GET /api/media} p99 with 50 concurrent clients, every request with its own mix of folder, tag, type,
 *       text query, sort, page or cursor (target ≤ 50 ms); baseline: {@code GET /healthz} the same way;</li>
 *   <li>webhook acknowledgement at 200 requests/s, open loop (latency from each request's scheduled send time, so a
 *       stall is not hidden by sending less), signed as Cloudinary signs (target p99 ≤ 20 ms); then every
 *       notification applied by the server's queue worker; baseline: {@code GET /healthz} paced the same way.</li>
 * </ol>
 * Uses a scratch database {@code pokepedia_bench_media} (created, migrated and dropped here).
 * Run: {@code bench/media-library.sh [assets] [webhook-seconds]}.
 */
public final class MediaLibraryBench {

    private static final String DB = "pokepedia_bench_media";
    private static final String TOKEN = "bench-media-token-0123456789";
    private static final int CLIENTS = 50;
    private static final int REQUESTS_PER_CLIENT = 120;
    private static final int WEBHOOK_RATE = 200;

    static final List<String> FOLDERS = List.of("pokedex/gen1", "pokedex/gen2", "pokedex/gen3", "pokedex/gen4",
            "pokedex/gen5", "pokedex/gen6", "pokedex/gen7", "pokedex/gen8", "pokedex/gen9", "cards/base",
            "cards/jungle", "cards/fossil", "ui/icons", "ui/badges", "items", "berries", "trainers", "maps/kanto",
            "maps/johto", "cries");
    static final List<String> TAGS = List.of("fire", "water", "grass", "electric", "psychic", "ice", "dragon", "dark",
            "fairy", "normal", "fighting", "poison", "ground", "flying", "bug", "rock", "ghost", "steel", "shiny",
            "legendary", "mythical", "starter", "baby", "mega", "gmax");
    static final List<String> WORDS = List.of("pikachu", "charmander", "bulbasaur", "squirtle", "eevee", "snorlax",
            "gengar", "mewtwo", "lucario", "gardevoir", "rayquaza", "greninja", "sylveon", "dragonite", "gyarados",
            "umbreon", "espeon", "jigglypuff", "meowth", "psyduck", "machamp", "onix", "scyther", "lapras", "ditto",
            "vaporeon", "jolteon", "flareon", "togepi", "mudkip", "torchic", "treecko", "piplup", "chimchar", "turtwig",
            "front", "back", "sprite", "artwork", "icon", "badge", "card", "holo", "promo", "animated", "female",
            "male", "alola", "galar", "hisui");

    public static void main(String[] args) throws Exception {
        int assets = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int webhookSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        DatabaseConfig admin = FreshDatabase.serverConfig(System.getenv());
        // why: for working on the read routes, MEDIA_BENCH_KEEP=1 keeps the filled catalog for the next run, which
        // then skips the reconcile figures (they need an empty catalog)
        boolean keep = "1".equals(System.getenv("MEDIA_BENCH_KEEP"));
        boolean reuse = keep && exists(admin);
        if (!reuse) {
            drop(admin);
        }
        DatabaseLocator.ensureDatabase(admin, DB);
        System.out.printf("media library benchmark: %,d assets, %d cores, scratch database %s%n", assets,
                Runtime.getRuntime().availableProcessors(), DB);
        try (Database db = Database.open(admin.withDatabase(DB), 24).migrate();
                FakeCloudinary fake = new FakeCloudinary(Clock.systemUTC()).start()) {
            fake.rateLimit(10_000_000, 10_000_000); // why: the quota governor is tested elsewhere; here it would only pace
            seed(fake, assets);
            MediaProvider provider = MediaProviders.cloudinary(new CloudinaryConfig(FakeCloudinary.CLOUD,
                    FakeCloudinary.API_KEY, FakeCloudinary.API_SECRET, fake.base(), null));
            MediaLibrary library = new MediaLibrary(db, provider);
            if (reuse) {
                System.out.println("\n1. reconcile: skipped (MEDIA_BENCH_KEEP=1 and a filled catalog from an earlier run)");
            } else {
                reconcile(db, fake, provider, library, assets);
            }
            WebhookVerifier verifier = new WebhookVerifier(FakeCloudinary.API_SECRET,
                    CloudinaryConfig.SignatureAlgorithm.SHA1, WebhookVerifier.DEFAULT_TOLERANCE, Clock.systemUTC());
            try (PokepediaServer server = PokepediaServer.builder(db)
                    .options(ServerOptions.defaults().withPort(0)).mediaLibrary(library, verifier, TOKEN).start()) {
                // why wait: a server that has been up a moment answers listings from its memory copy of the catalog
                long t0 = System.nanoTime();
                while (!library.inMemory() && System.nanoTime() - t0 < Duration.ofMinutes(2).toNanos()) {
                    Thread.sleep(50);
                }
                System.out.printf("%n   catalog copy in memory after %.1f s: %s%n", seconds(t0), library.inMemory());
                listAndSearch(server.baseUri());
                System.out.printf("   still answered from memory after the listings: %s%n", library.inMemory());
                webhooks(server.baseUri(), db, webhookSeconds);
            }
            provider.close();
        } finally {
            if (!keep) {
                drop(admin);
            }
        }
    }

    private static boolean exists(DatabaseConfig admin) throws Exception {
        try (Connection c = admin.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB + "'")) {
            return rs.next();
        }
    }

    // --- 1. reconcile ---

    private static void seed(FakeCloudinary fake, int n) {
        SplittableRandom r = new SplittableRandom(17);
        Instant start = Instant.parse("2019-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            String folder = FOLDERS.get(r.nextInt(FOLDERS.size()));
            String a = WORDS.get(r.nextInt(WORDS.size()));
            String b = WORDS.get(r.nextInt(WORDS.size()));
            int roll = r.nextInt(100);
            String type = roll < 85 ? "image" : roll < 95 ? "video" : "raw";
            var res = fake.put(type, "%s/%s-%s-%06d".formatted(folder, a, b, i), 1_600_000_000L + i,
                    TAGS.get(r.nextInt(TAGS.size())), TAGS.get(r.nextInt(TAGS.size())));
            res.displayName = a + " " + b + " " + i;
            res.createdAt = start.plusSeconds(i * 900L + r.nextInt(900));
            res.bytes = 2_000 + r.nextInt(2_000_000);
            res.format = type.equals("image") ? "png" : type.equals("video") ? "mp4" : "json";
            if (r.nextInt(4) == 0) {
                res.context.put("alt", a + " " + b);
            }
        }
    }

    private static void reconcile(Database db, FakeCloudinary fake, MediaProvider provider, MediaLibrary library,
            int n) throws Exception {
        floor(provider); // warm-up: JIT, connections
        double floor = floor(provider);
        System.out.printf("%n1. reconcile of %,d assets against the fake Cloudinary (official SDK, pages of 500)%n", n);
        row("baseline: page the listing, no database", floor, "1.00x");

        long t0 = System.nanoTime();
        ReconcileReport fill = library.reconcile(ReconcileOptions.defaults());
        double fillS = seconds(t0);
        row("first reconcile (fills the catalog): added %,d".formatted(fill.added()), fillS, ratio(fillS, floor));
        check(fill.complete() && fill.added() == n, "the first reconcile adds every asset: " + fill);
        vacuum(db);

        long writes0 = tupleWrites(db);
        t0 = System.nanoTime();
        ReconcileReport same = library.reconcile(ReconcileOptions.defaults());
        double sameS = seconds(t0);
        long sameWrites = tupleWrites(db) - writes0;
        row("nothing changed: updated %,d, unchanged %,d, %,d rows written".formatted(same.updated(), same.unchanged(),
                sameWrites), sameS, ratio(sameS, floor));
        check(same.nothingToDo() && same.unchanged() == n, "nothing changed: " + same);
        System.out.printf("   target <= 10 s: %s%n", sameS <= 10 ? "met" : "MISSED");

        int changed = n / 100;
        int k = 0;
        for (String type : List.of("image", "video", "raw")) {
            // why every 100th listed asset: the changes spread over every page, as edits in a real library do
            for (var res : fake.all(type)) {
                if (k++ % 100 == 0) {
                    res.version += 1;
                    res.tags = new ArrayList<>(res.tags);
                    res.tags.add("edited");
                    res.etag = Long.toHexString(res.version);
                }
            }
        }
        writes0 = tupleWrites(db);
        long log0 = count(db, "SELECT count(*) FROM media_sync_log");
        t0 = System.nanoTime();
        ReconcileReport one = library.reconcile(ReconcileOptions.defaults());
        double oneS = seconds(t0);
        long oneWrites = tupleWrites(db) - writes0;
        long logged = count(db, "SELECT count(*) FROM media_sync_log") - log0;
        row("1 %% changed: updated %,d, unchanged %,d, %,d rows written, %,d log entries".formatted(one.updated(),
                one.unchanged(), oneWrites, logged), oneS, ratio(oneS, floor));
        check(one.updated() == changed && one.added() == 0 && one.deleted() == 0, "1 % changed: " + one);
    }

    private static double floor(MediaProvider provider) {
        long t0 = System.nanoTime();
        String cursor = null;
        long seen = 0;
        while (true) {
            AssetPage page = provider.list("", cursor, 500);
            seen += page.assets().size();
            if (page.last()) {
                break;
            }
            cursor = page.nextCursor();
        }
        if (seen == 0) {
            throw new IllegalStateException("the listing is empty");
        }
        return seconds(t0);
    }

    /** Rows inserted, updated or deleted in the media library's tables (statistics are flushed per transaction). */
    private static long tupleWrites(Database db) throws Exception {
        Thread.sleep(600); // why: pg_stat counters reach the shared view at most once a second per backend (PG 15)
        return count(db, "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
                + " WHERE relname IN ('media_assets', 'media_sync_log')");
    }

    private static void vacuum(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE media_assets");
            st.execute("VACUUM ANALYZE media_sync_log");
        }
    }

    // --- 2. list and search ---

    private static void listAndSearch(URI base) throws Exception {
        System.out.printf("%n2. GET /api/media with %d concurrent clients x %d requests, every request its own"
                + " parameters%n", CLIENTS, REQUESTS_PER_CLIENT);
        Set<String> urls = ConcurrentHashMap.newKeySet();
        closedLoop(base, 20, (c) -> new ListClient(c, urls)); // warm-up
        urls.clear();
        long[] health = closedLoop(base, REQUESTS_PER_CLIENT, c -> r -> "/healthz");
        int[][] sizes = new int[CLIENTS][REQUESTS_PER_CLIENT];
        long[] list = closedLoop(base, REQUESTS_PER_CLIENT, c -> {
            ListClient client = new ListClient(c + 1000, urls);
            int[] i = {0};
            return previous -> {
                if (previous != null) {
                    sizes[c][i[0]++] = previous.length(); // (the answers are ASCII: characters are bytes)
                }
                return client.apply(previous);
            };
        });
        long[] floor = replayFloor(sizes);
        header();
        latencies("baseline GET /healthz", health, null);
        latencies("floor: the same answers, no work (bare Javalin)", floor, health);
        latencies("GET /api/media (list + search)", list, health);
        System.out.printf("   %,d requests, %,d distinct URLs; p99 vs the floor %.2fx; target p99 <= 50 ms: %s%n",
                list.length, urls.size(), (double) p(list, 0.99) / p(floor, 0.99),
                p(list, 0.99) <= 50_000_000L ? "met" : "MISSED");
    }

    /**
     * The floor of the list phase on this machine: each client asks a bare Javalin server (virtual threads, like ours)
     * for answers of the very sizes it got from GET /api/media, in the same order, which the server hands back from
     * memory without any work. What remains is HTTP, moving the bytes and the load generator itself.
     */
    private static long[] replayFloor(int[][] sizes) throws Exception {
        byte[] text = new byte[1 << 20];
        Arrays.fill(text, (byte) 'x');
        io.javalin.Javalin floor = io.javalin.Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/floor/{client}/{i}", ctx -> {
                int[] mine = sizes[Integer.parseInt(ctx.pathParam("client"))];
                int size = Math.max(2, mine[Integer.parseInt(ctx.pathParam("i")) % (mine.length - 1)]);
                ctx.contentType("application/json; charset=utf-8").result(Arrays.copyOf(text, size));
            });
        }).start("127.0.0.1", 0);
        try {
            URI base = URI.create("http://127.0.0.1:" + floor.port());
            closedLoop(base, 20, c -> new Function<>() { // warm-up
                int i;

                @Override
                public String apply(String previous) {
                    return "/floor/" + c + "/" + i++;
                }
            });
            return closedLoop(base, REQUESTS_PER_CLIENT, c -> new Function<>() {
                int i;

                @Override
                public String apply(String previous) {
                    return "/floor/" + c + "/" + i++;
                }
            });
        } finally {
            floor.stop();
        }
    }

    /** One client's next request: a random listing, or the next page of its previous listing. */
    private static final class ListClient implements Function<String, String> {
        private final Random r;
        private final Set<String> urls;
        private String lastQuery;

        ListClient(long seed, Set<String> urls) {
            this.r = new Random(seed);
            this.urls = urls;
        }

        @Override
        public String apply(String previousBody) {
            String next = previousBody == null ? null : cursor(previousBody);
            String url;
            if (next != null && lastQuery != null && r.nextInt(3) == 0) {
                url = lastQuery + "&cursor=" + enc(next);
            } else {
                StringBuilder q = new StringBuilder("/api/media?limit=").append(List.of(20, 24, 50, 100).get(r.nextInt(4)));
                int shape = r.nextInt(8);
                if (shape == 0 || shape == 5) {
                    q.append("&folder=").append(enc(FOLDERS.get(r.nextInt(FOLDERS.size()))));
                }
                if (shape == 1 || shape == 5 || shape == 6) {
                    q.append("&tag=").append(TAGS.get(r.nextInt(TAGS.size())));
                }
                if (shape == 2 || r.nextInt(5) == 0) {
                    q.append("&type=").append(List.of("image", "video", "raw").get(r.nextInt(3)));
                }
                if (shape == 3 || shape == 6 || shape == 7) {
                    String w = WORDS.get(r.nextInt(WORDS.size()));
                    q.append("&q=").append(enc(r.nextInt(3) == 0 ? w + " " + WORDS.get(r.nextInt(WORDS.size())) : w));
                }
                q.append("&sort=").append(List.of("created_desc", "created_desc", "created_asc", "name", "bytes_desc")
                        .get(r.nextInt(5)));
                lastQuery = q.toString();
                url = r.nextInt(4) == 0 ? lastQuery + "&page=" + (2 + r.nextInt(4)) : lastQuery;
            }
            urls.add(url);
            return url;
        }

        private static String cursor(String body) {
            int i = body.indexOf("\"next_cursor\":\"");
            if (i < 0) {
                return null;
            }
            int s = i + "\"next_cursor\":\"".length();
            return body.substring(s, body.indexOf('"', s));
        }
    }

    /** {@code clients} threads, each sending {@code perClient} requests back to back; the latencies in ns. */
    private static long[] closedLoop(URI base, int perClient,
            Function<Integer, Function<String, String>> clientFactory) throws Exception {
        long[] out = new long[CLIENTS * perClient];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Function<String, String> next = clientFactory.apply(c);
            threads.add(Thread.ofPlatform().start(() -> {
                String body = null;
                try {
                    go.await();
                    for (int i = 0; i < perClient; i++) {
                        Call req = new Call(base.resolve(next.apply(body)), Map.of("Authorization", "Bearer " + TOKEN), null);
                        long t0 = System.nanoTime();
                        Answer res = req.send();
                        out[client * perClient + i] = System.nanoTime() - t0;
                        body = res.body();
                        if (res.status() != 200) {
                            if (failures.incrementAndGet() <= 3) {
                                System.err.println(res.status() + " " + req.uri() + ": " + res.body());
                            }
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    e.printStackTrace();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        check(failures.get() == 0, failures.get() + " requests failed");
        return out;
    }

    // --- 3. webhooks ---

    private static void webhooks(URI base, Database db, int seconds) throws Exception {
        int n = WEBHOOK_RATE * seconds;
        System.out.printf("%n3. signed webhooks at %d/s for %d s (open loop), then applied by the queue worker%n",
                WEBHOOK_RATE, seconds);
        paced(WEBHOOK_RATE * 2, i -> health(base)); // warm-up
        paced(WEBHOOK_RATE * 2, i -> webhook(base, "warm", i));
        long[] health = paced(WEBHOOK_RATE * Math.max(5, seconds / 2), i -> health(base));
        // why a run name per run: with MEDIA_BENCH_KEEP=1 an earlier run's assets are still there, same ids, same versions
        String run = "bench" + System.currentTimeMillis();
        long applied0 = count(db, "SELECT count(*) FROM media_assets WHERE public_id LIKE 'hooks/" + run + "/%'");
        long t0 = System.nanoTime();
        long[] hooks = paced(n, i -> webhook(base, run, i));
        double sendS = seconds(t0);
        header();
        latencies("baseline GET /healthz, paced", health, null);
        latencies("POST /api/media/webhooks/cloudinary", hooks, health);
        System.out.printf("   %,d notifications in %.1f s; target p99 <= 20 ms: %s%n", n, sendS,
                p(hooks, 0.99) <= 20_000_000L ? "met" : "MISSED");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long applied;
        do {
            Thread.sleep(200);
            applied = count(db, "SELECT count(*) FROM media_assets WHERE public_id LIKE 'hooks/" + run + "/%'") - applied0;
        } while (applied < n && System.nanoTime() < deadline);
        System.out.printf("   applied by the worker: %,d of %,d, all within %.1f s of the first send%n", applied, n,
                seconds(t0));
        check(applied == n, "every acknowledged notification is applied");
    }

    private static Call health(URI base) {
        return new Call(base.resolve("/healthz"), Map.of(), null);
    }

    private static Call webhook(URI base, String run, int i) {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        String folder = FOLDERS.get(i % FOLDERS.size());
        String body = ("{\"notification_type\":\"upload\",\"timestamp\":\"%s\",\"request_id\":\"%s-%d-%d\","
                + "\"asset_id\":\"%08x\",\"public_id\":\"hooks/%s/%s/%s-%06d\",\"version\":%d,\"resource_type\":\"image\","
                + "\"type\":\"upload\",\"format\":\"png\",\"bytes\":%d,\"width\":96,\"height\":96,"
                + "\"created_at\":\"%s\",\"tags\":[\"%s\"],\"asset_folder\":\"hooks/%s/%s\","
                + "\"secure_url\":\"https://res.cloudinary.com/demo-cloud/image/upload/v1/x.png\",\"etag\":\"%08x\"}")
                .formatted(Instant.now(), run, System.nanoTime(), i, i, run, folder, WORDS.get(i % WORDS.size()), i,
                        1_700_000_000L + i, 1_000 + i, Instant.now(), TAGS.get(i % TAGS.size()), run, folder, i * 31);
        String sig;
        try {
            sig = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest((body + ts + FakeCloudinary.API_SECRET).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new Call(base.resolve("/api/media/webhooks/cloudinary"), Map.of("Content-Type", "application/json",
                "X-Cld-Timestamp", ts, "X-Cld-Signature", sig), body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends request {@code i} at {@code start + i / rate} whatever happened to the others (open loop); a latency is
     * measured from that scheduled time, so a server that stalls is charged for the requests that queued behind it.
     */
    private static long[] paced(int n, Function<Integer, Call> make)
            throws Exception {
        long[] out = new long[n];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        long interval = 1_000_000_000L / WEBHOOK_RATE;
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < n; i++) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                Call req = make.apply(i); // why here: the signature's timestamp is the send time
                int idx = i;
                senders.submit(() -> {
                    try {
                        Answer res = req.send();
                        out[idx] = System.nanoTime() - due;
                        if (res.status() != 200 && failures.incrementAndGet() <= 3) {
                            System.err.println(res.status() + " " + req.uri() + ": " + res.body());
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        e.printStackTrace();
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
        }
        check(failures.get() == 0, failures.get() + " paced requests failed");
        return out;
    }

    // --- the load generator's HTTP ---

    record Answer(int status, String body) {}

    /** Idle keep-alive connections per server, shared by the load's threads (a request takes one or opens one). */
    private static final Map<String, java.util.concurrent.ConcurrentLinkedDeque<RawHttp>> IDLE = new ConcurrentHashMap<>();

    /**
     * One request over a keep-alive {@link RawHttp} connection, as {@code bench serve} sends them. why not the JDK's
     * clients: on these two cores their per-request cost (java.net.http's selector thread and futures;
     * HttpURLConnection's keep-alive cache and header maps) showed in the server's latency: GET /healthz alone had a
     * p99 of 56 ms (java.net.http), then 32-100 ms (HttpURLConnection) with 50 clients.
     */
    record Call(URI uri, Map<String, String> headers, byte[] body) {
        Answer send() throws IOException {
            var idle = IDLE.computeIfAbsent(uri.getAuthority(), a -> new java.util.concurrent.ConcurrentLinkedDeque<>());
            RawHttp h = idle.poll();
            if (h == null) {
                h = new RawHttp(uri.resolve("/"));
            }
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            try {
                RawHttp.Response r = h.request(body == null ? "GET" : "POST", path, headers, body);
                idle.push(h);
                return new Answer(r.status(), new String(r.body(), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                h.close();
                throw e;
            }
        }
    }

    // --- output and helpers ---

    private static void row(String what, double s, String ratio) {
        System.out.printf("   %-78s %8.2f s  %8s%n", what, s, ratio);
    }

    private static void header() {
        System.out.printf("   %-42s %8s %8s %8s %8s %8s%n", "", "p50 ms", "p90 ms", "p99 ms", "max ms", "p99 vs");
    }

    private static void latencies(String what, long[] ns, long[] baseline) {
        System.out.printf("   %-42s %8.2f %8.2f %8.2f %8.2f %8s%n", what, p(ns, .5) / 1e6, p(ns, .9) / 1e6,
                p(ns, .99) / 1e6, p(ns, 1) / 1e6, baseline == null ? "1.00x"
                        : "%.2fx".formatted((double) p(ns, .99) / p(baseline, .99)));
    }

    private static long p(long[] ns, double q) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
    }

    private static String ratio(double s, double floor) {
        return "%.2fx".formatted(s / floor);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark check failed: " + what);
        }
    }

    private static void drop(DatabaseConfig admin) throws Exception {
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + DB + "\" WITH (FORCE)");
        }
    }

    private MediaLibraryBench() {
    }
}
