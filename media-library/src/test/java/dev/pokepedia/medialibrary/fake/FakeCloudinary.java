package dev.pokepedia.medialibrary.fake;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local fake of Cloudinary's documented Admin API (Basic auth; {@code GET /v1_1/{cloud}/resources/{type}/upload}
 * with {@code max_results} ≤ 500 and {@code next_cursor}; resource read, update and bulk delete of ≤ 100 ids;
 * {@code X-FeatureRateLimit-Limit/-Remaining/-Reset} on every answer; 420 when the hourly quota is used up) and
 * Upload API (signed {@code POST /v1_1/{cloud}/{type}/upload|destroy|rename}: SHA-1 over the sorted parameters plus
 * the secret, checked, so a wrong signature is refused as the real service refuses it). Errors are
 * {@code {"error":{"message":…}}}. The shapes follow what the official Java SDK 2.4.0 sends and parses. Port 0.
 */
public final class FakeCloudinary implements AutoCloseable {

    public static final String CLOUD = "demo-cloud";
    public static final String API_KEY = "874837483274837";
    public static final String API_SECRET = "fAkE-s3cr3t-NEVER-LOGGED-x9";

    /** One stored resource. */
    public static final class Res {
        public String publicId;
        public String type;
        public String format;
        public long version;
        public long bytes;
        public Integer width;
        public Integer height;
        public String displayName;
        public String assetFolder;
        public List<String> tags = new ArrayList<>();
        public Map<String, String> context = new LinkedHashMap<>();
        public String etag;
        public Instant createdAt;
    }

    private final Clock clock;
    private final ConcurrentSkipListMap<String, Res> store = new ConcurrentSkipListMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger listCalls = new AtomicInteger();
    private final Javalin app;
    private volatile long hourlyLimit = 5000;
    private volatile long remaining = 5000;
    private volatile Instant windowReset;
    /** The list call with this 1-based number answers with {@link #failStatus}; 0 = never. */
    private volatile int failListCall;
    private volatile int failStatus = 500;
    /** The list call with this 1-based number waits for {@link #holdRelease} before answering; 0 = never. */
    private volatile int holdListCall;
    private volatile java.util.concurrent.CountDownLatch holdRelease;
    private final java.util.concurrent.CountDownLatch holdReached = new java.util.concurrent.CountDownLatch(1);

    public FakeCloudinary(Clock clock) {
        this(clock, 0);
    }

    /** On a fixed port (0 = a free one), for {@link FakeCloudinaryServer}. */
    public FakeCloudinary(Clock clock, int port) {
        this.clock = clock;
        this.windowReset = nextHour();
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = port;
            var r = cfg.routes;
            String base = "/v1_1/{cloud}";
            r.get(base + "/resources/{rt}/{type}", this::list);
            r.get(base + "/resources/{rt}", this::list);
            r.delete(base + "/resources/{rt}/{type}", this::deleteResources);
            r.get(base + "/resources/{rt}/{type}/<pid>", this::read);
            r.post(base + "/resources/{rt}/{type}/<pid>", this::update);
            r.post(base + "/{rt}/upload", this::upload);
            r.post(base + "/{rt}/destroy", this::destroy);
            r.post(base + "/{rt}/rename", this::rename);
        });
    }

    public FakeCloudinary start() {
        app.start();
        return this;
    }

    /** Credentials and base URL of this fake, as an app's CLOUDINARY_URL would give them. */
    public dev.pokepedia.medialibrary.CloudinaryConfig config() {
        return new dev.pokepedia.medialibrary.CloudinaryConfig(CLOUD, API_KEY, API_SECRET, base(), null);
    }

    /**
     * The Cloudinary provider against this fake, waiting through {@code clock} (a rate-limit wait advances it) and
     * giving up on waits over {@code maxWait}.
     */
    public dev.pokepedia.medialibrary.MediaProvider provider(dev.pokepedia.testkit.SettableClock clock, java.time.Duration maxWait) {
        return dev.pokepedia.medialibrary.MediaProviders.cloudinary(config(), clock, clock::advance, maxWait);
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + app.port());
    }

    @Override
    public void close() {
        app.stop();
    }

    // --- test controls ---

    public Res put(String type, String publicId, long version, String... tags) {
        Res r = new Res();
        r.publicId = publicId;
        r.type = type;
        r.format = "png";
        r.version = version;
        r.bytes = 100 + publicId.length();
        r.width = 96;
        r.height = 96;
        r.tags = new ArrayList<>(List.of(tags));
        r.etag = Integer.toHexString((publicId + version).hashCode());
        r.createdAt = Instant.ofEpochSecond(version);
        int slash = publicId.lastIndexOf('/');
        r.assetFolder = slash < 0 ? "" : publicId.substring(0, slash);
        store.put(key(type, publicId), r);
        return r;
    }

    public Res get(String type, String publicId) {
        return store.get(key(type, publicId));
    }

    /** Every stored resource of a type, in listing order (live objects: a test may edit them). */
    public List<Res> all(String type) {
        return List.copyOf(store.subMap(type + "\u0000", type + "\u0001").values());
    }

    public void remove(String type, String publicId) {
        store.remove(key(type, publicId));
    }

    public int size() {
        return store.size();
    }

    public void rateLimit(long limit, long remainingNow) {
        hourlyLimit = limit;
        remaining = remainingNow;
        windowReset = nextHour();
    }

    public Instant windowReset() {
        return windowReset;
    }

    /** The {@code n}-th list call from now on (1 = the next) fails with {@code status}. */
    public void failListCall(int n, int status) {
        failListCall = listCalls.get() + n;
        failStatus = status;
    }

    /** The n-th list call from now waits until {@code release} opens (so a test can kill its caller meanwhile). */
    public void holdListCall(int n, java.util.concurrent.CountDownLatch release) {
        holdRelease = release;
        holdListCall = listCalls.get() + n;
    }

    /** Opens when a held list call has arrived. */
    public boolean awaitHeld(java.time.Duration timeout) throws InterruptedException {
        return holdReached.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public int listCalls() {
        return listCalls.get();
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    // --- Admin API ---

    private boolean admin(Context ctx) {
        requests.add(ctx.method() + " " + ctx.path());
        if (!CLOUD.equals(ctx.pathParam("cloud"))) {
            error(ctx, 404, "Cloud not found");
            return false;
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((API_KEY + ":" + API_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ctx.header("Authorization"))) {
            error(ctx, 401, "Invalid credentials");
            return false;
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (!now.isBefore(windowReset)) {
                windowReset = nextHour();
                remaining = hourlyLimit;
            }
            if (remaining <= 0) {
                rateHeaders(ctx);
                error(ctx, 420, "Rate Limit Exceeded");
                return false;
            }
            remaining--;
            rateHeaders(ctx);
        }
        return true;
    }

    private void rateHeaders(Context ctx) {
        ctx.header("X-FeatureRateLimit-Limit", Long.toString(hourlyLimit));
        ctx.header("X-FeatureRateLimit-Remaining", Long.toString(remaining));
        ctx.header("X-FeatureRateLimit-Reset",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(windowReset.atOffset(ZoneOffset.UTC)));
    }

    private Instant nextHour() {
        return clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    }

    private void list(Context ctx) {
        if (!admin(ctx)) {
            return;
        }
        int call = listCalls.incrementAndGet();
        if (call == holdListCall) {
            holdReached.countDown();
            try {
                holdRelease.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (call == failListCall) {
            error(ctx, failStatus, "Injected failure " + failStatus);
            return;
        }
        String type = ctx.pathParam("rt");
        int max = ctx.queryParam("max_results") == null ? 10 : Integer.parseInt(ctx.queryParam("max_results"));
        if (max < 1 || max > 500) {
            error(ctx, 400, "max_results must be between 1 and 500");
            return;
        }
        String prefix = ctx.queryParam("prefix") == null ? "" : ctx.queryParam("prefix");
        String cursor = ctx.queryParam("next_cursor");
        String after = cursor == null ? null : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        List<Res> page = new ArrayList<>();
        boolean more = false;
        // why a tail view: the store is sorted by type then public id, so a page starts at its cursor instead of
        // walking every earlier asset (the 100,000-asset benchmark pages through it 200 times)
        String from = after != null && after.compareTo(prefix) >= 0 ? key(type, after) : key(type, prefix);
        for (Res r : store.tailMap(from, after == null || after.compareTo(prefix) < 0).values()) {
            if (!r.type.equals(type) || !r.publicId.startsWith(prefix)) {
                break;
            }
            if (after != null && r.publicId.compareTo(after) <= 0) {
                continue;
            }
            if (page.size() == max) {
                more = true;
                break;
            }
            page.add(r);
        }
        boolean withTags = "true".equals(ctx.queryParam("tags"));
        boolean withContext = "true".equals(ctx.queryParam("context"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resources", page.stream().map(r -> json(r, withTags, withContext)).toList());
        if (more) {
            body.put("next_cursor", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(page.getLast().publicId.getBytes(StandardCharsets.UTF_8)));
        }
        ctx.json(body);
    }

    private void read(Context ctx) {
        if (!admin(ctx)) {
            return;
        }
        Res r = store.get(key(ctx.pathParam("rt"), ctx.pathParam("pid")));
        if (r == null) {
            error(ctx, 404, "Resource not found - " + ctx.pathParam("pid"));
            return;
        }
        ctx.json(json(r, true, true));
    }

    private void update(Context ctx) {
        if (!admin(ctx)) {
            return;
        }
        Res r = store.get(key(ctx.pathParam("rt"), ctx.pathParam("pid")));
        if (r == null) {
            error(ctx, 404, "Resource not found - " + ctx.pathParam("pid"));
            return;
        }
        Map<String, List<String>> form = ctx.formParamMap();
        if (form.containsKey("tags")) {
            r.tags = splitTags(form.get("tags").getFirst());
        }
        if (form.containsKey("context")) {
            r.context = parseContext(form.get("context").getFirst());
        }
        if (form.containsKey("display_name")) {
            r.displayName = form.get("display_name").getFirst();
        }
        ctx.json(json(r, true, true));
    }

    private void deleteResources(Context ctx) {
        if (!admin(ctx)) {
            return;
        }
        Map<String, List<String>> form = ctx.formParamMap();
        List<String> ids = form.getOrDefault("public_ids[]", List.of());
        if (ids.size() > 100) {
            error(ctx, 400, "Too many public_ids (max 100)");
            return;
        }
        Map<String, String> deleted = new LinkedHashMap<>();
        for (String id : ids) {
            deleted.put(id, store.remove(key(ctx.pathParam("rt"), id)) != null ? "deleted" : "not_found");
        }
        ctx.json(Map.of("deleted", deleted, "partial", false));
    }

    // --- Upload API ---

    private Map<String, String> signed(Context ctx) throws IOException {
        requests.add(ctx.method() + " " + ctx.path());
        Map<String, List<String>> form = ctx.formParamMap();
        TreeMap<String, String> params = new TreeMap<>();
        form.forEach((k, v) -> {
            if (k.equals("file") || k.equals("signature") || k.equals("api_key")) {
                return;
            }
            String name = k.endsWith("[]") ? k.substring(0, k.length() - 2) : k;
            String value = String.join(",", v);
            if (!value.isBlank()) {
                params.put(name, value);
            }
        });
        if (!API_KEY.equals(first(form, "api_key"))) {
            error(ctx, 401, "Unknown API key " + first(form, "api_key"));
            return null;
        }
        String ts = params.get("timestamp");
        if (ts == null || Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) > 3600) {
            error(ctx, 400, "Stale request - reported time is " + ts);
            return null;
        }
        StringBuilder toSign = new StringBuilder();
        params.forEach((k, v) -> {
            if (!toSign.isEmpty()) {
                toSign.append('&');
            }
            toSign.append(k).append('=').append(v.replace("&", "%26"));
        });
        String expected = sha1Hex(toSign + API_SECRET);
        String given = first(form, "signature");
        if (given == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII))) {
            error(ctx, 401, "Invalid Signature " + given + ". String to sign - '" + toSign + "'.");
            return null;
        }
        return params;
    }

    private void upload(Context ctx) throws IOException {
        if (!CLOUD.equals(ctx.pathParam("cloud"))) {
            error(ctx, 404, "Cloud not found");
            return;
        }
        Map<String, String> p = signed(ctx);
        if (p == null) {
            return;
        }
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null) {
            error(ctx, 400, "Missing required parameter - file");
            return;
        }
        byte[] bytes = file.content().readAllBytes();
        String type = ctx.pathParam("rt");
        String publicId = p.getOrDefault("public_id", "upload_" + System.nanoTime());
        Res r = put(type, publicId, Math.max(Instant.now().getEpochSecond(), versionAfter(type, publicId)));
        r.bytes = bytes.length;
        r.etag = sha1Hex(new String(bytes, StandardCharsets.ISO_8859_1)).substring(0, 32);
        r.tags = p.containsKey("tags") ? splitTags(p.get("tags")) : new ArrayList<>();
        r.context = p.containsKey("context") ? parseContext(p.get("context")) : new LinkedHashMap<>();
        r.displayName = p.get("display_name");
        ctx.json(json(r, true, true));
    }

    private long versionAfter(String type, String publicId) {
        Res old = store.get(key(type, publicId));
        return old == null ? 0 : old.version + 1;
    }

    private void destroy(Context ctx) throws IOException {
        Map<String, String> p = signed(ctx);
        if (p == null) {
            return;
        }
        Res r = store.remove(key(ctx.pathParam("rt"), p.get("public_id")));
        ctx.json(Map.of("result", r != null ? "ok" : "not found"));
    }

    private void rename(Context ctx) throws IOException {
        Map<String, String> p = signed(ctx);
        if (p == null) {
            return;
        }
        String type = ctx.pathParam("rt");
        Res r = store.get(key(type, p.get("from_public_id")));
        if (r == null) {
            error(ctx, 404, "Resource not found - " + p.get("from_public_id"));
            return;
        }
        String to = p.get("to_public_id");
        if (store.containsKey(key(type, to)) && !"true".equals(p.get("overwrite"))) {
            error(ctx, 400, "to_public_id " + to + " already exists");
            return;
        }
        store.remove(key(type, r.publicId));
        r.publicId = to;
        int slash = to.lastIndexOf('/');
        r.assetFolder = slash < 0 ? "" : to.substring(0, slash);
        store.put(key(type, to), r);
        ctx.json(json(r, true, true));
    }

    // --- helpers ---

    private static String key(String type, String publicId) {
        return type + "\u0000" + publicId;
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> v = form.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static List<String> splitTags(String s) {
        List<String> out = new ArrayList<>();
        for (String t : s.split(",")) {
            if (!t.isBlank()) {
                out.add(t.trim());
            }
        }
        return out;
    }

    /** {@code k=v|k2=v2}, where {@code \|} and {@code \=} are literal. */
    static Map<String, String> parseContext(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        List<String> pairs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == '|') {
                pairs.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        pairs.add(cur.toString());
        for (String pair : pairs) {
            int eq = -1;
            for (int i = 0; i < pair.length(); i++) {
                if (pair.charAt(i) == '\\') {
                    i++;
                } else if (pair.charAt(i) == '=') {
                    eq = i;
                    break;
                }
            }
            if (eq > 0) {
                out.put(unescape(pair.substring(0, eq)), unescape(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String unescape(String s) {
        return s.replace("\\=", "=").replace("\\|", "|");
    }

    private Map<String, Object> json(Res r, boolean withTags, boolean withContext) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asset_id", Integer.toHexString((r.type + r.publicId).hashCode()));
        m.put("public_id", r.publicId);
        m.put("format", r.format);
        m.put("version", r.version);
        m.put("resource_type", r.type);
        m.put("type", "upload");
        m.put("created_at", r.createdAt.toString());
        m.put("bytes", r.bytes);
        m.put("width", r.width);
        m.put("height", r.height);
        m.put("asset_folder", r.assetFolder);
        m.put("display_name", r.displayName != null ? r.displayName
                : r.publicId.substring(r.publicId.lastIndexOf('/') + 1));
        String url = "https://res.cloudinary.com/" + CLOUD + "/" + r.type + "/upload/v" + r.version + "/" + r.publicId
                + "." + r.format;
        m.put("url", url.replace("https:", "http:"));
        m.put("secure_url", url);
        m.put("etag", r.etag);
        if (withTags) {
            m.put("tags", r.tags);
        }
        if (withContext && !r.context.isEmpty()) {
            m.put("context", Map.of("custom", r.context));
        }
        return m;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", Map.of("message", message)));
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
