package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.medialibrary.AssetChanges;
import dev.pokepedia.medialibrary.AssetContent;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CatalogAsset;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaList;
import dev.pokepedia.medialibrary.MediaQuery;
import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ReconcileReport;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.SyncLogEntry;
import dev.pokepedia.medialibrary.UploadRequest;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media library page of the admin dashboard: a grid of the catalog with thumbnails, search and filters, upload,
 * tag edit, delete, sync (with dry run) and the sync log. It calls {@link MediaLibrary}'s API only; sessions, CSRF
 * tokens and the same-origin check are {@link AdminRoutes}'.
 *
 * <p>Live updates: the page polls {@code /admin/media-library/watch} every 2 s (htmx), which compares
 * {@link MediaLibrary#lastChange()} with the value the page last saw and, when it grew, fires {@code media-changed}
 * so the grid and the log reload. why polling rather than server-sent events: a webhook may be applied by another
 * server process than the one the browser talks to (or a CLI sync may change the catalog), and the shared database
 * sees them all, while an in-process event stream would not without LISTEN/NOTIFY plumbing; the dashboard already
 * polls with plain htmx (no SSE extension to ship), one index read every 2 s per open page is cheap, and no
 * long-lived connection has to be closed on a graceful stop.
 */
public final class MediaLibraryPage {

    private static final Logger log = LoggerFactory.getLogger(MediaLibraryPage.class);
    static final int GRID_LIMIT = 60;
    static final int LOG_LIMIT = 30;
    static final int DIFF_SHOWN = 200;
    /** Largest asset the thumbnail route reads from the provider. */
    static final long THUMBNAIL_MAX_BYTES = 5L * 1024 * 1024;
    /** why: an SVG served from our origin could run script if opened on its own; sandboxed, it cannot. */
    static final String THUMBNAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    private static final Map<String, String> IMAGE_TYPES = Map.of("png", "image/png", "jpeg", "image/jpeg", "gif",
            "image/gif", "webp", "image/webp", "svg", "image/svg+xml");

    private final MediaLibrary library;
    private final AdminRoutes admin;
    private final Templates templates;
    private final Clock clock;

    MediaLibraryPage(MediaLibrary library, AdminRoutes admin, Templates templates, Clock clock) {
        this.library = library;
        this.admin = admin;
        this.templates = templates;
        this.clock = clock;
    }

    /** One grid card: the catalog row plus what the page shows of it ({@code thumbnail}: an image URL, or null). */
    public record Card(CatalogAsset asset, String tagText, String thumbnail) {}

    /** One sync log line as shown. */
    public record LogLine(SyncLogEntry entry, String at) {}

    void page(Context ctx) {
        var s = admin.session(ctx);
        if (s.isEmpty()) {
            ctx.redirect("/admin/login", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        Map<String, Object> model = gridModel(new Filters(null, null, null, null));
        model.putAll(logModel());
        model.put("csrf", s.get().csrfToken());
        model.put("provider", library.provider().kind());
        model.put("cloud", library.provider().cloud());
        model.put("since", library.lastChange());
        model.put("folders", folders());
        // why: a provider that delivers its own thumbnails (Cloudinary's CDN) must be allowed to serve this page's images
        library.provider().thumbnailOrigin().ifPresent(o -> ctx.header("Content-Security-Policy", AdminRoutes.csp(o)));
        AdminRoutes.html(ctx, 200, templates.render("admin/media-library", model));
    }

    void grid(Context ctx) {
        admin.requireSession(ctx);
        long since = library.lastChange(); // why before the listing: a change in between is shown by the next poll
        Map<String, Object> model = gridModel(filters(ctx));
        model.put("since", since);
        AdminRoutes.html(ctx, 200, templates.render("admin/media-grid-update", model));
    }

    void log(Context ctx) {
        admin.requireSession(ctx);
        AdminRoutes.html(ctx, 200, templates.render("admin/media-log", logModel()));
    }

    /** The watcher: answers the newest change number; when it grew since the page's, fires {@code media-changed}. */
    void watch(Context ctx) {
        admin.requireSession(ctx);
        long seen;
        try {
            seen = Long.parseLong(String.valueOf(ctx.queryParam("since")));
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("since", "since must be a whole number (the page's last change)");
        }
        long now = library.lastChange();
        if (now != seen) {
            ctx.header("HX-Trigger", "media-changed");
        }
        AdminRoutes.html(ctx, 200, templates.render("admin/media-watch", Map.of("since", now)));
    }

    void thumbnail(Context ctx) {
        admin.requireSession(ctx);
        long id = id(ctx);
        AssetContent c = library.content(id, THUMBNAIL_MAX_BYTES)
                .orElseThrow(() -> ApiException.notFound("No thumbnail for media asset " + id + "."));
        String type = c.imageKind() == null ? null : IMAGE_TYPES.get(c.imageKind());
        if (type == null) {
            throw ApiException.notFound("Media asset " + id + " is not an image we show.");
        }
        ctx.header("Content-Security-Policy", THUMBNAIL_CSP);
        ctx.header("Cache-Control", "private, max-age=60");
        ctx.contentType(type);
        ctx.result(c.bytes());
    }

    void upload(Context ctx) {
        admin.requirePost(ctx);
        var file = ctx.uploadedFile("file");
        if (file == null || file.size() == 0) {
            flash(ctx, "upload: choose a file first", true);
            return;
        }
        String publicId = blankToNull(ctx.formParam("public_id"));
        String id = publicId != null ? publicId.trim() : file.filename();
        List<String> tags = tags(ctx.formParam("tags"));
        try (InputStream in = file.content()) {
            var r = new UploadRequest(new AssetRef(ResourceType.ofContentType(file.contentType()), id), in.readAllBytes(),
                    file.contentType(), tags, Map.of(), blankToNull(ctx.formParam("display_name")));
            var done = library.upload(r, RequestLog.requestId(ctx));
            changed(ctx, "uploaded " + done.publicId(), false);
        } catch (ProviderException | IllegalArgumentException e) {
            changed(ctx, "upload of " + id + " refused: " + e.getMessage(), true);
        } catch (IOException e) {
            changed(ctx, "upload of " + id + " failed: " + e.getMessage(), true);
        }
    }

    void tags(Context ctx) {
        admin.requirePost(ctx);
        CatalogAsset a = live(ctx);
        List<String> tags = tags(ctx.formParam("tags"));
        try {
            library.update(a.ref(), AssetChanges.tags(tags), RequestLog.requestId(ctx));
            changed(ctx, "tags of " + a.ref().publicId() + ": " + (tags.isEmpty() ? "none" : String.join(", ", tags)),
                    false);
        } catch (ProviderException | IllegalArgumentException e) {
            changed(ctx, "tags of " + a.ref().publicId() + " not changed: " + e.getMessage(), true);
        }
    }

    void delete(Context ctx) {
        admin.requirePost(ctx);
        CatalogAsset a = live(ctx);
        boolean force = "true".equals(ctx.formParam("force")) || "on".equals(ctx.formParam("force"));
        try {
            String outcome = library.delete(a.ref().type(), List.of(a.ref().publicId()), force, RequestLog.requestId(ctx))
                    .getOrDefault(a.ref().publicId(), "not_found");
            boolean inUse = outcome.equals("in_use");
            changed(ctx, inUse ? a.ref().publicId() + " is in use: not deleted (Force delete deletes it anyway)"
                    : "delete " + a.ref().publicId() + ": " + outcome, inUse || outcome.startsWith("error"));
        } catch (ProviderException e) {
            changed(ctx, "delete " + a.ref().publicId() + " failed: " + e.getMessage(), true);
        }
    }

    /** Runs a reconcile now; a dry run shows what it would change and writes nothing. */
    void sync(Context ctx) {
        admin.requirePost(ctx);
        boolean dry = "true".equals(ctx.formParam("dry_run"));
        String prefix = blankToNull(ctx.formParam("prefix"));
        Map<String, Object> model = new HashMap<>();
        model.put("dry", dry);
        try {
            ReconcileReport r = library.reconcile(new ReconcileOptions(prefix, 500, dry, false, 0));
            model.put("report", r);
            model.put("diff", r.diff().size() > DIFF_SHOWN ? r.diff().subList(0, DIFF_SHOWN) : r.diff());
            model.put("more", Math.max(0, r.diff().size() - DIFF_SHOWN));
            model.put("failed", r.error() != null);
            log.info("admin media library {}: {} added, {} updated, {} deleted, complete {}", dry ? "dry run" : "sync",
                    r.added(), r.updated(), r.deleted(), r.complete());
        } catch (ProviderException | IllegalArgumentException e) {
            model.put("report", null);
            model.put("error", e.getMessage());
            model.put("failed", true);
        }
        if (!dry) {
            ctx.header("HX-Trigger", "media-changed");
        }
        AdminRoutes.html(ctx, 200, templates.render("admin/media-sync-result", model));
    }

    // --- helpers ---

    /** Search and filters of the grid; every value is passed to {@link MediaQuery} as a bound value. */
    public record Filters(String q, String folder, String tag, String type) {}

    private Filters filters(Context ctx) {
        return new Filters(blankToNull(ctx.queryParam("q")), blankToNull(ctx.queryParam("folder")),
                blankToNull(ctx.queryParam("tag")), blankToNull(ctx.queryParam("type")));
    }

    /** The provider's own thumbnail URL, else this server's thumbnail route for images, else none. */
    private String thumbnail(CatalogAsset a) {
        return library.provider().thumbnail(a.ref()).map(java.net.URI::toString)
                .orElse(a.ref().type() == ResourceType.IMAGE ? "/admin/media-library/" + a.id() + "/thumbnail" : null);
    }

    private Map<String, Object> gridModel(Filters f) {
        Map<String, Object> model = new HashMap<>();
        List<Card> cards = new ArrayList<>();
        String problem = null;
        boolean more = false;
        try {
            ResourceType type = f.type() == null ? null : ResourceType.of(f.type());
            MediaList list = library.list(new MediaQuery(f.folder(), f.tag(), type, f.q(), "created_desc", GRID_LIMIT, 0,
                    null, false));
            for (CatalogAsset a : list.items()) {
                cards.add(new Card(a, String.join(", ", a.tags()), thumbnail(a)));
            }
            more = list.nextCursor() != null;
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        model.put("cards", cards);
        model.put("more", more);
        model.put("problem", problem);
        model.put("stats", stats());
        return model;
    }

    private Map<String, Object> logModel() {
        Instant now = clock.instant();
        List<LogLine> lines = library.syncLog(LOG_LIMIT).stream().map(e -> new LogLine(e, Formats.ago(e.createdAt(), now)))
                .toList();
        return new HashMap<>(Map.of("log", lines));
    }

    private Map<String, Object> stats() {
        try {
            JsonNode s = Json.MAPPER.readTree(library.statistics());
            return Map.of("total", s.path("total_assets").asLong(), "megabytes",
                    String.format("%.1f", s.path("total_bytes").asLong() / 1e6),
                    "errors", s.path("sync_health").path("errors_24h").asLong());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> folders() {
        try {
            List<String> out = new ArrayList<>(new TreeSet<>(toList(Json.MAPPER.readTree(library.statistics())
                    .path("by_folder").fieldNames())));
            out.remove("");
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> toList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private CatalogAsset live(Context ctx) {
        long id = id(ctx);
        CatalogAsset a = library.details(id).orElseThrow(() -> ApiException.notFound("No media asset " + id + "."))
                .asset();
        if (a.deleted()) {
            throw ApiException.notFound("Media asset " + id + " was deleted.");
        }
        return a;
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("id", "id must be a catalog id (a whole number)");
        }
    }

    static List<String> tags(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).distinct().toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The outcome as a banner; the grid and the log reload (their {@code media-changed} trigger). */
    private void changed(Context ctx, String message, boolean failed) {
        log.info("admin media library: {}", message);
        ctx.header("HX-Trigger", "media-changed");
        flash(ctx, message, failed);
    }

    private void flash(Context ctx, String message, boolean failed) {
        AdminRoutes.html(ctx, 200, templates.render("admin/flash", Map.of("message", message, "failed", failed,
                "pending", false, "what", "")));
    }
}
