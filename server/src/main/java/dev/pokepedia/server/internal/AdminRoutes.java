package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.CorpusStatus;
import dev.pokepedia.media.AssetManifest;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.server.AdminActions;
import dev.pokepedia.server.ScheduleSummary;
import dev.pokepedia.server.AdminPassword;
import dev.pokepedia.server.ServerOptions;
import dev.pokepedia.sync.SyncService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin dashboard: login (password from {@code POKEPEDIA_ADMIN_PASSWORD}, throttled), signed session cookie,
 * CSRF token on every POST, live panels (htmx polling) and the action buttons. Without a password every admin route
 * answers 403 and nothing else happens.
 */
public final class AdminRoutes {

    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    private static final Pattern QUEUE = Pattern.compile("^[a-z0-9_]{1,48}$");
    private static final Pattern SCHEDULE = Pattern.compile("^[a-z0-9_.-]{1,64}$");
    private static final Pattern ENDPOINT = Pattern.compile("^[a-z0-9-]{1,64}$");
    private static final Set<String> PANELS = Set.of("queues", "sync", "appsync", "media", "schedules", "errors", "actions");
    private static final String ADMIN_CSP = csp("");

    /** The dashboard's Content-Security-Policy; {@code moreImageSources} (space-separated origins) may serve images. */
    static String csp(String moreImageSources) {
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
                + (moreImageSources.isEmpty() ? "" : " " + moreImageSources)
                + "; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    }

    private final Database db;
    private final CorpusStatus corpus;
    private final Queues queues;
    private final AdminActions actions;
    private final AdminAuth auth;
    private final LoginThrottle throttle;
    private final Dashboard dashboard;
    private final ActionLog actionLog;
    private final Templates templates = new Templates();
    private final SameOrigin sameOrigin;
    private final SyncService sync;
    private final MediaLibraryPage mediaPage;

    /**
     * @param base  the URL clients use for this server (the {@code --public-url}, else the bound address)
     * @param media the media library its page shows, or null when none is configured
     */
    public AdminRoutes(Database db, ServerOptions options, URI base, Queues queues, AdminActions actions, SyncService sync,
                       MediaLibrary media) {
        this.db = db;
        this.mediaPage = media == null ? null : new MediaLibraryPage(media, this, templates, options.clock());
        this.corpus = new CorpusStatus(db);
        this.sameOrigin = new SameOrigin(base);
        this.sync = sync;
        this.queues = queues;
        this.actions = actions;
        this.auth = new AdminAuth(options.adminPassword(), options.clock());
        this.throttle = new LoginThrottle(5, 50, Duration.ofMinutes(15), Duration.ofSeconds(1), options.clock());
        this.dashboard = new Dashboard(db, queues, options.clock());
        this.actionLog = new ActionLog(options.clock());
    }

    /** All admin routes; {@code admin} is read per request (it exists once the server has started). */
    public static void register(RoutesConfig r, Supplier<AdminRoutes> admin, ServerOptions options) {
        if (!options.adminEnabled()) {
            Handler disabled = ctx -> {
                throw ApiException.forbidden("The admin dashboard is disabled: set " + AdminPassword.ENV
                        + " (at least " + AdminPassword.MIN_LENGTH + " characters) and restart serve");
            };
            for (String p : List.of("/admin", "/admin/<rest>")) {
                r.get(p, disabled);
                r.post(p, disabled);
            }
            return;
        }
        r.before("/admin*", ctx -> {
            ctx.header("Cache-Control", Responder.NO_STORE);
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Content-Security-Policy", ADMIN_CSP);
            ctx.header("Referrer-Policy", "same-origin");
            if (ctx.method() == HandlerType.POST) {
                admin.get().refuseOtherSites(ctx);
            }
        });
        r.get("/admin", ctx -> admin.get().page(ctx));
        r.get("/admin/login", ctx -> admin.get().loginForm(ctx, 200, null));
        r.post("/admin/login", ctx -> admin.get().login(ctx));
        r.post("/admin/logout", ctx -> admin.get().logout(ctx));
        r.get("/admin/panels/{panel}", ctx -> admin.get().panel(ctx));
        r.get("/admin/actions/status", ctx -> admin.get().actionStatus(ctx));
        r.post("/admin/actions/seed", ctx -> admin.get().seed(ctx));
        r.post("/admin/actions/verify", ctx -> admin.get().verify(ctx));
        r.post("/admin/queues/{queue}/{op}", ctx -> admin.get().queue(ctx));
        r.post("/admin/media/retry-failed", ctx -> admin.get().retryFailed(ctx));
        r.post("/admin/schedules/{name}/{op}", ctx -> admin.get().schedule(ctx));
        // the media library page (issue 17)
        r.get("/admin/media-library", ctx -> admin.get().mediaPage().page(ctx));
        r.get("/admin/media-library/grid", ctx -> admin.get().mediaPage().grid(ctx));
        r.get("/admin/media-library/log", ctx -> admin.get().mediaPage().log(ctx));
        r.get("/admin/media-library/watch", ctx -> admin.get().mediaPage().watch(ctx));
        r.get("/admin/media-library/{id}/thumbnail", ctx -> admin.get().mediaPage().thumbnail(ctx));
        r.post("/admin/media-library/upload", ctx -> admin.get().mediaPage().upload(ctx));
        r.post("/admin/media-library/sync", ctx -> admin.get().mediaPage().sync(ctx));
        r.post("/admin/media-library/{id}/tags", ctx -> admin.get().mediaPage().tags(ctx));
        r.post("/admin/media-library/{id}/delete", ctx -> admin.get().mediaPage().delete(ctx));
    }

    private MediaLibraryPage mediaPage() {
        if (mediaPage == null) {
            throw ApiException.notFound("No media library is configured on this server (CLOUDINARY_URL or MEDIA_LIBRARY_S3_BUCKET).");
        }
        return mediaPage;
    }

    // --- pages ---

    void page(Context ctx) throws SQLException {
        Optional<AdminAuth.Session> s = session(ctx);
        if (s.isEmpty()) {
            ctx.redirect("/admin/login", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        Map<String, Object> model = panelModel();
        model.put("csrf", s.get().csrfToken());
        model.put("endpoints", corpus.endpoints());
        model.put("mediaLibrary", mediaPage != null);
        html(ctx, 200, templates.render("admin/dashboard", model));
    }

    void panel(Context ctx) throws SQLException {
        AdminAuth.Session s = requireSession(ctx);
        String name = ctx.pathParam("panel");
        if (!PANELS.contains(name)) {
            throw ApiException.notFound("Unknown panel; use one of " + String.join(", ", new java.util.TreeSet<>(PANELS)));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("csrf", s.csrfToken());
        switch (name) {
            case "queues" -> model.put("queues", dashboard.queues());
            case "sync" -> model.put("sync", dashboard.sync(actions.crawl()));
            case "appsync" -> model.put("appsync", appSync());
            case "media" -> model.put("buckets", dashboard.media());
            case "schedules" -> model.put("schedules", dashboard.schedules(actions.schedules()));
            case "errors" -> model.put("errors", dashboard.errors(actionLog.recent(50), actions.schedules()));
            default -> model.put("actions", actionLog.recent(10));
        }
        html(ctx, 200, templates.render("admin/panel-" + name, model));
    }

    private Map<String, Object> panelModel() throws SQLException {
        Map<String, Object> model = new HashMap<>();
        model.put("queues", dashboard.queues());
        model.put("sync", dashboard.sync(actions.crawl()));
        model.put("appsync", appSync());
        model.put("buckets", dashboard.media());
        List<ScheduleSummary> schedules = actions.schedules();
        model.put("schedules", dashboard.schedules(schedules));
        model.put("errors", dashboard.errors(actionLog.recent(50), schedules));
        model.put("actions", actionLog.recent(10));
        return model;
    }

    /** The app-sync panel: clients, operations, conflicts and errors (see {@link SyncService#stats()}). */
    private Map<String, Object> appSync() {
        return Map.of("configured", sync.config().configured(), "stats", sync.stats());
    }

    // --- login ---

    void loginForm(Context ctx, int status, String message) {
        if (status == 200 && session(ctx).isPresent()) {
            ctx.redirect("/admin", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        String nonce = auth.newLoginNonce();
        setCookie(ctx, AdminAuth.LOGIN_COOKIE, nonce, "/admin/login", AdminAuth.LOGIN_FORM_LIFETIME.toSeconds());
        Map<String, Object> model = new HashMap<>();
        model.put("token", auth.loginToken(nonce));
        model.put("message", message == null ? "" : message);
        html(ctx, status, templates.render("admin/login", model));
    }

    void login(Context ctx) throws InterruptedException {
        String client = ClientAddress.of(ctx.ip(), ctx.header("X-Forwarded-For"));
        switch (throttle.decide(client)) {
            case LoginThrottle.Decision.Refuse r -> {
                ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
                log.warn("admin login refused: too many wrong passwords (client {})", client);
                loginForm(ctx, 429, "Too many wrong passwords from your address. Try again in " + r.retryAfterSeconds() + " s.");
                return;
            }
            case LoginThrottle.Decision.Proceed p when p.delay().isPositive() -> {
                log.warn("admin login slowed by {} ms: {} wrong passwords from all clients recently (client {})", p.delay().toMillis(),
                        throttle.failuresOverall(), client);
                Thread.sleep(p.delay()); // why: on a virtual thread; slows guessing from many addresses without refusing anyone
            }
            case LoginThrottle.Decision.Proceed p -> {
            }
        }
        if (!auth.loginTokenMatches(ctx.cookie(AdminAuth.LOGIN_COOKIE), ctx.formParam("csrf"))) {
            loginForm(ctx, 403, "The login form expired or did not come from this page. Enter the password again.");
            return;
        }
        if (!auth.passwordMatches(ctx.formParam("password"))) {
            throttle.failed(client);
            log.warn("admin login failed: wrong password (client {})", client);
            loginForm(ctx, 401, "Wrong password.");
            return;
        }
        throttle.succeeded(client);
        setCookie(ctx, AdminAuth.SESSION_COOKIE, auth.newSession(), "/admin", AdminAuth.SESSION_LIFETIME.toSeconds());
        setCookie(ctx, AdminAuth.LOGIN_COOKIE, "", "/admin/login", 0);
        log.info("admin logged in (client {})", client);
        ctx.redirect("/admin", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    void logout(Context ctx) {
        AdminAuth.Session s = requirePost(ctx);
        auth.revoke(s);
        setCookie(ctx, AdminAuth.SESSION_COOKIE, "", "/admin", 0);
        ctx.redirect("/admin/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // --- actions ---

    void seed(Context ctx) {
        requirePost(ctx);
        List<String> types = new ArrayList<>();
        for (String t : ctx.formParams("types")) {
            if (!ENDPOINT.matcher(t).matches()) {
                throw ApiException.badParameter("types", "types must be endpoint names such as pokemon or move: got '" + Text.clip(t) + "'");
            }
            types.add(t);
        }
        String what = "seed " + (types.isEmpty() ? "all types" : String.join(", ", types));
        background(what, () -> actions.seed(List.copyOf(types)) + " messages enqueued");
        started(ctx, what);
    }

    void verify(Context ctx) {
        requirePost(ctx);
        background("verify", actions::runVerify);
        started(ctx, "verify");
    }

    void queue(Context ctx) throws SQLException {
        requirePost(ctx);
        String queue = ctx.pathParam("queue");
        if (!QUEUE.matcher(queue).matches() || !knownQueue(queue)) {
            throw ApiException.notFound("No queue named '" + Text.clip(queue) + "'");
        }
        String op = ctx.pathParam("op");
        String outcome = switch (op) {
            case "pause" -> {
                queues.pause(queue);
                yield "paused " + queue;
            }
            case "resume" -> {
                queues.resume(queue);
                yield "resumed " + queue;
            }
            case "retry" -> "put " + queues.redrive(queue) + " dead letters of " + queue + " back";
            case "discard" -> "discarded " + queues.discardDeadLetters(queue) + " dead letters of " + queue;
            default -> throw ApiException.notFound("Unknown queue action '" + Text.clip(op) + "'; use pause, resume, retry or discard");
        };
        actionLog.record(op + " " + queue, outcome, false);
        done(ctx, outcome);
    }

    void retryFailed(Context ctx) throws SQLException {
        requirePost(ctx);
        String bucket = ctx.formParam("bucket");
        if (bucket != null && !bucket.isEmpty() && !ENDPOINT.matcher(bucket).matches()) {
            throw ApiException.badParameter("bucket", "bucket must be a bucket name such as pokedex-sprites: got '" + Text.clip(bucket) + "'");
        }
        int n = new AssetManifest(db).resetFailed(bucket == null || bucket.isEmpty() ? null : bucket);
        String outcome = n + " failed assets" + (bucket == null || bucket.isEmpty() ? "" : " of " + bucket)
                + " marked pending (the next media run or sprite worker fetches them)";
        actionLog.record("retry failed assets", outcome, false);
        done(ctx, outcome);
    }

    void schedule(Context ctx) {
        requirePost(ctx);
        String name = ctx.pathParam("name");
        if (!SCHEDULE.matcher(name).matches()) {
            throw ApiException.notFound("No schedule named '" + Text.clip(name) + "'");
        }
        boolean enable = switch (ctx.pathParam("op")) {
            case "enable" -> true;
            case "disable" -> false;
            default -> throw ApiException.notFound("Unknown schedule action; use enable or disable");
        };
        actions.setScheduleEnabled(name, enable);
        String outcome = (enable ? "enabled" : "disabled") + " schedule " + name;
        actionLog.record((enable ? "enable " : "disable ") + name, outcome, false);
        done(ctx, outcome);
    }

    /** Runs a slow action off the request thread; its outcome lands in the action log (and errors panel). */
    private void background(String what, java.util.concurrent.Callable<String> action) {
        actionLog.record(what, "started", false);
        Thread.ofVirtual().name("admin-" + what).start(() -> {
            try {
                actionLog.record(what, action.call(), false);
            } catch (Exception e) {
                String msg = e instanceof dev.pokepedia.core.PokepediaException p && !p.hint().isEmpty() ? e.getMessage() + ". " + p.hint()
                        : String.valueOf(e.getMessage());
                if (dev.pokepedia.core.PokepediaException.isExpected(e)) {
                    log.warn("admin action '{}' failed: {}", what, e.toString());
                } else {
                    log.warn("admin action '{}' failed", what, e); // why: a bug must keep its stack trace
                }
                actionLog.record(what, msg, true);
            }
        });
    }

    /** htmx gets a flash fragment and a refresh of the panels; a plain form post goes back to the dashboard. */
    /** A background action's banner: it asks for the action's outcome until it has one (htmx polling). */
    private void started(Context ctx, String what) {
        log.info("admin action: {}: started", what);
        if (ctx.header("HX-Request") != null) {
            ctx.header("HX-Trigger", "refresh");
            html(ctx, 200, flash(what, "started", false));
        } else {
            ctx.redirect("/admin", io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    /** The latest outcome of one background action, as its banner. */
    void actionStatus(Context ctx) {
        requireSession(ctx);
        String what = ctx.queryParam("what");
        if (what == null || what.isBlank() || what.length() > 200) {
            throw ApiException.badParameter("what", "what must name an action, e.g. 'verify'");
        }
        ActionLog.Entry e = actionLog.latest(what).orElseThrow(() -> ApiException.notFound("No action '" + Text.clip(what) + "' was run"));
        html(ctx, 200, flash(what, e.outcome(), e.failed()));
    }

    private String flash(String what, String outcome, boolean failed) {
        Map<String, Object> model = new HashMap<>();
        model.put("message", what + ": " + outcome);
        model.put("failed", failed);
        model.put("pending", "started".equals(outcome) && !failed);
        model.put("what", what);
        return templates.render("admin/flash", model);
    }

    private void done(Context ctx, String message) {
        log.info("admin action: {}", message);
        if (ctx.header("HX-Request") != null) {
            ctx.header("HX-Trigger", "refresh");
            html(ctx, 200, templates.render("admin/flash", Map.of("message", message, "failed", false, "pending", false, "what", "")));
        } else {
            ctx.redirect("/admin", io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    // --- sessions ---

    /**
     * Every admin POST (login included) must come from this server's own pages. why: the session cookie is SameSite=Strict
     * and each POST needs its CSRF token, but a browser tells us outright where a request came from, so a request
     * another site made is refused before anything else is looked at.
     */
    void refuseOtherSites(Context ctx) {
        SameOrigin.Verdict v = sameOrigin.check(ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), ctx.header("Host"));
        if (v instanceof SameOrigin.Verdict.Foreign f) {
            log.warn("admin POST {} refused: sent by another site ({}) (client {})", Text.clip(ctx.path()), Text.clip(f.evidence()), ctx.ip());
            throw ApiException.forbidden("Refused: this admin request was sent by a page of another site (" + Text.clip(f.evidence())
                    + "), not by this server's own pages (" + sameOrigin.own() + "). Use the dashboard at " + sameOrigin.own()
                    + "/admin; behind a proxy, give serve --public-url with the address you open it at");
        }
    }

    Optional<AdminAuth.Session> session(Context ctx) {
        return auth.verify(ctx.cookie(AdminAuth.SESSION_COOKIE));
    }

    AdminAuth.Session requireSession(Context ctx) {
        return session(ctx).orElseThrow(() -> ApiException.unauthorized("Log in first: no valid admin session (POST /admin/login)"));
    }

    /** A POST must carry a session and that session's CSRF token (form field {@code csrf} or header {@code X-CSRF-Token}). */
    AdminAuth.Session requirePost(Context ctx) {
        AdminAuth.Session s = requireSession(ctx);
        String token = ctx.header("X-CSRF-Token");
        if (token == null) {
            token = ctx.formParam("csrf");
        }
        if (!auth.csrfMatches(s, token)) {
            log.warn("admin POST {} refused: missing or wrong CSRF token (client {})", Text.clip(ctx.path()), ctx.ip());
            throw ApiException.forbidden("Missing or wrong CSRF token; reload the dashboard and try again");
        }
        return s;
    }

    private boolean knownQueue(String queue) {
        return queues.list().stream().anyMatch(q -> q.name().equals(queue));
    }

    static void html(Context ctx, int status, String body) {
        ctx.status(status);
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(body);
    }

    private static void setCookie(Context ctx, String name, String value, String path, long maxAgeSeconds) {
        boolean https = "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) || ctx.req().isSecure();
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
    }
}
