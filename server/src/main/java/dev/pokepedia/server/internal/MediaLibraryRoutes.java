package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.medialibrary.AssetChanges;
import dev.pokepedia.medialibrary.AssetJson;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.CatalogAsset;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaList;
import dev.pokepedia.medialibrary.MediaQuery;
import dev.pokepedia.medialibrary.MediaWebhookQueue;
import dev.pokepedia.medialibrary.Notification;
import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.UploadRequest;
import dev.pokepedia.medialibrary.WebhookRejectedException;
import dev.pokepedia.medialibrary.WebhookVerifier;
import dev.pokepedia.queue.Queues;
import dev.pokepedia.queue.WorkerRuntime;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media library's HTTP routes; they call the module's public API only. The webhook is authenticated by its
 * signature; every other route needs {@code Authorization: Bearer <media API token>}.
 *
 * <p>The webhook answers once the verified notification is stored in the durable queue
 * ({@link MediaWebhookQueue}); this server's worker applies it from there, so a process that dies after the answer
 * loses nothing, and a failure is retried (then dead-lettered, and repaired by the next reconcile).
 */
public final class MediaLibraryRoutes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaLibraryRoutes.class);
    static final Set<String> LIST_PARAMS = Set.of("limit", "page", "cursor", "folder", "tag", "type", "q", "sort",
            "deleted");
    static final Set<String> DELETE_MANY_PARAMS = Set.of("public_ids", "resource_type", "force");

    /** What a route does with the routes object and the request. */
    public interface Call {
        void handle(MediaLibraryRoutes routes, Context ctx) throws Exception;
    }

    /** One route: method and path in Javalin's syntax (the same {@code {name}} placeholders as OpenAPI). */
    public record Route(HandlerType method, String path, Call call) {}

    /**
     * Every media library route. HttpApp registers exactly these, and a test checks that {@code /openapi.json}
     * documents each one with its path parameters. Order matters: the fixed paths before {@code /api/media/{id}}.
     */
    public static final List<Route> ROUTES = List.of(
            new Route(HandlerType.POST, "/api/media/webhooks/cloudinary", MediaLibraryRoutes::webhook),
            new Route(HandlerType.GET, "/api/media/stats", MediaLibraryRoutes::stats),
            new Route(HandlerType.GET, "/api/media/sync", MediaLibraryRoutes::syncStatus),
            new Route(HandlerType.POST, "/api/media/sync", MediaLibraryRoutes::sync),
            new Route(HandlerType.GET, "/api/media/{id}", MediaLibraryRoutes::one),
            new Route(HandlerType.GET, "/api/media", MediaLibraryRoutes::list),
            new Route(HandlerType.POST, "/api/media", MediaLibraryRoutes::upload),
            new Route(HandlerType.PATCH, "/api/media/{id}", MediaLibraryRoutes::patch),
            new Route(HandlerType.DELETE, "/api/media/{id}", MediaLibraryRoutes::deleteOne),
            new Route(HandlerType.DELETE, "/api/media", MediaLibraryRoutes::deleteMany));

    private final MediaLibrary library;
    private final WebhookVerifier verifier;
    private final byte[] token;
    private volatile MediaWebhookQueue webhooks;
    private volatile AutoCloseable memory;
    private volatile WorkerRuntime worker;

    public MediaLibraryRoutes(MediaLibrary library, WebhookVerifier verifier, String apiToken) {
        this.library = library;
        this.verifier = verifier;
        this.token = apiToken == null || apiToken.isBlank() ? null : apiToken.getBytes(StandardCharsets.UTF_8);
    }

    public MediaLibrary library() {
        return library;
    }

    public void webhook(Context ctx) {
        if (verifier == null) {
            throw ApiException.notFound("This server's media library takes no Cloudinary webhooks (no Cloudinary configured).");
        }
        Notification n;
        try {
            n = verifier.verify(ctx.bodyAsBytes(), ctx.header("X-Cld-Timestamp"), ctx.header("X-Cld-Signature"));
        } catch (WebhookRejectedException e) {
            log.info("refused a Cloudinary webhook: {}", e.getMessage());
            int status = e.reason() == WebhookRejectedException.Reason.MALFORMED_BODY ? 400 : 401;
            Responder.json(ctx, status, Json.error(e.getMessage(), null));
            return;
        }
        MediaWebhookQueue q = webhooks;
        if (q == null) {
            throw new IllegalStateException("the media webhook queue was not started (MediaLibraryRoutes.start)");
        }
        // why no catch: if the database cannot take it, the error mapper answers 503 and Cloudinary sends it again
        boolean queued = q.enqueue(n);
        Responder.json(ctx, 200, Json.bytes(Json.object().put("received", true).put("type", n.type())
                .put("request_id", n.requestId()).put("queued", queued)));
    }

    public void list(Context ctx) {
        authorize(ctx);
        Params p = new Params(ctx, LIST_PARAMS);
        int limit = p.integer("limit", 50, 1, MediaQuery.MAX_LIMIT);
        int page = p.integer("page", 1, 1, 1_000_000);
        ResourceType type = null;
        if (p.single("type") != null) {
            try {
                type = ResourceType.of(p.single("type"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("type", e.getMessage());
            }
        }
        MediaQuery q;
        try {
            q = new MediaQuery(p.single("folder"), p.single("tag"), type, p.single("q"), p.single("sort"), limit,
                    (page - 1) * limit, p.single("cursor"), Boolean.TRUE.equals(p.bool("deleted")));
            Responder.json(ctx, 200, listBody(library.list(q), statisticsBytes()));
        } catch (IllegalArgumentException e) {
            throw bad(e);
        }
    }

    public void one(Context ctx) {
        authorize(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("id", "id must be a catalog id (a whole number)");
        }
        var d = library.details(id).orElseThrow(() -> ApiException.notFound("No media asset " + id + "."));
        ObjectNode body = asset(d.asset());
        body.set("usage", Json.MAPPER.valueToTree(d.usage()));
        body.set("collections", Json.MAPPER.valueToTree(d.collections()));
        Responder.json(ctx, 200, Json.bytes(body));
    }

    public void stats(Context ctx) {
        authorize(ctx);
        Responder.json(ctx, 200, Json.utf8(library.statistics()));
    }

    public void syncStatus(Context ctx) {
        authorize(ctx);
        JsonNode stats = statistics();
        ObjectNode body = Json.object();
        body.set("sync_health", stats.path("sync_health"));
        body.set("by_status", stats.path("by_status"));
        Responder.json(ctx, 200, Json.bytes(body));
    }

    /**
     * {@code {"items":[…],"next_cursor":…,"stats":{…}}} put together from bytes already rendered (each item by the
     * library, once per row of its memory copy; the statistics once per answer of the library): a listing of 100
     * assets renders nothing.
     */
    static byte[] listBody(MediaList result, byte[] stats) {
        byte[] cursor = Json.bytes(Json.MAPPER.getNodeFactory().textNode(result.nextCursor()));
        int size = ITEMS_OPEN.length + NEXT_CURSOR.length + cursor.length + STATS.length + stats.length + 1;
        for (byte[] item : result.itemsJson()) {
            size += item.length + 1;
        }
        byte[] out = new byte[size - (result.itemsJson().isEmpty() ? 0 : 1)]; // (one comma fewer than items)
        int at = put(out, 0, ITEMS_OPEN);
        for (byte[] item : result.itemsJson()) {
            if (at > ITEMS_OPEN.length) {
                out[at++] = ',';
            }
            at = put(out, at, item);
        }
        at = put(out, at, NEXT_CURSOR);
        at = put(out, at, cursor);
        at = put(out, at, STATS);
        at = put(out, at, stats);
        out[at] = '}';
        return out;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private static final byte[] ITEMS_OPEN = "{\"items\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEXT_CURSOR = "],\"next_cursor\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STATS = ",\"stats\":".getBytes(StandardCharsets.UTF_8);

    /** The statistics' last answer and its bytes: the library hands out the same string until they change. */
    private record StatisticsBytes(String json, byte[] utf8) {}

    private volatile StatisticsBytes lastStatistics;

    private byte[] statisticsBytes() {
        String json = library.statistics();
        StatisticsBytes last = lastStatistics;
        if (last == null || !last.json().equals(json)) {
            last = new StatisticsBytes(json, json.getBytes(StandardCharsets.UTF_8));
            lastStatistics = last;
        }
        return last.utf8();
    }

    /** The library's statistics (a JSON document) as a tree. */
    private JsonNode statistics() {
        try {
            return Json.MAPPER.readTree(library.statistics());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a reconcile now: {@code dry_run}, {@code prefix}/{@code folder}, {@code batch_size}, {@code force}; or, with
     * {@code single_asset} (and {@code resource_type}, default image), re-reads that one public id from the provider
     * and updates or tombstones it in the catalog. Unknown or mistyped fields are 400s naming the field.
     */
    public void sync(Context ctx) {
        authorize(ctx);
        JsonNode body;
        try {
            body = ctx.body().isBlank() ? Json.object() : Json.MAPPER.readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!SYNC_FIELDS.contains(f)) {
                throw ApiException.badParameter(f, f + ": not a field of this request (one of " + new java.util.TreeSet<>(SYNC_FIELDS) + ")");
            }
        });
        boolean dryRun = flag(body, "dry_run");
        boolean force = flag(body, "force");
        String single = text(body, "single_asset");
        if (single != null) {
            if (single.isBlank()) {
                throw ApiException.badParameter("single_asset", "single_asset: a public id is required");
            }
            for (String other : List.of("dry_run", "prefix", "folder", "batch_size")) {
                if (body.has(other)) {
                    throw ApiException.badParameter(other, other + ": not combinable with single_asset (one asset is"
                            + " re-read and applied at once)");
                }
            }
            ResourceType type;
            try {
                type = text(body, "resource_type") == null ? ResourceType.IMAGE : ResourceType.of(text(body, "resource_type"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("resource_type", e.getMessage());
            }
            AssetRef ref = new AssetRef(type, single);
            var result = library.refresh(ref, "sync_single", RequestLog.requestId(ctx), null);
            ObjectNode out = Json.object().put("single_asset", single).put("resource_type", type.wire())
                    .put("result", result.name().toLowerCase(java.util.Locale.ROOT));
            var now = library.find(ref);
            out.set("asset", now.isPresent() ? asset(now.get()) : null);
            Responder.json(ctx, 200, Json.bytes(out));
            return;
        }
        if (body.has("resource_type")) {
            throw ApiException.badParameter("resource_type", "resource_type: only with single_asset (a reconcile lists every type)");
        }
        String prefix = text(body, "prefix") != null ? text(body, "prefix") : text(body, "folder");
        JsonNode batch = body.path("batch_size");
        if (!batch.isMissingNode() && (!batch.canConvertToExactIntegral() || batch.asLong() < 1 || batch.asLong() > 500)) {
            throw ApiException.badParameter("batch_size", "batch_size: a whole number 1..500");
        }
        ReconcileOptions o;
        try {
            o = new ReconcileOptions(prefix, batch.isMissingNode() ? 500 : batch.asInt(), dryRun, force, 0);
        } catch (IllegalArgumentException e) {
            throw bad(e);
        }
        Responder.json(ctx, 200, Json.bytes(library.reconcile(o)));
    }

    /** The fields {@code POST /api/media/sync} takes (the OpenAPI document lists the same). */
    static final Set<String> SYNC_FIELDS = Set.of("dry_run", "force", "batch_size", "prefix", "folder", "single_asset",
            "resource_type");

    private static boolean flag(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.badParameter(field, field + ": true or false");
        }
        return v.asBoolean();
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badParameter(field, field + ": a string");
        }
        return v.asText();
    }

    /** Multipart upload: {@code file}, {@code public_id} (default: the file name), optional {@code tags}, {@code display_name}. */
    public void upload(Context ctx) throws java.io.IOException {
        authorize(ctx);
        var file = ctx.uploadedFile("file");
        if (file == null) {
            throw ApiException.badParameter("file", "a multipart field 'file' is required");
        }
        String publicId = ctx.formParam("public_id") != null ? ctx.formParam("public_id") : file.filename();
        String type = ctx.formParam("resource_type");
        List<String> tags = ctx.formParam("tags") == null ? List.of()
                : java.util.Arrays.stream(ctx.formParam("tags").split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        UploadRequest r;
        try (var in = file.content()) {
            r = new UploadRequest(new AssetRef(type == null ? ResourceType.ofContentType(file.contentType())
                    : ResourceType.of(type), publicId), in.readAllBytes(), file.contentType(), tags, Map.of(),
                    ctx.formParam("display_name"));
        } catch (IllegalArgumentException e) {
            throw bad(e);
        }
        var done = library.upload(r, RequestLog.requestId(ctx));
        Responder.json(ctx, 201, Json.bytes(asset(library.find(done.ref()).orElseThrow())));
    }

    /** PATCH {@code {"tags": [...], "context": {...}, "display_name": "...", "public_id": "new/id"}}. */
    public void patch(Context ctx) {
        authorize(ctx);
        CatalogAsset a = byId(ctx);
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        AssetRef ref = a.ref();
        List<String> tags = body.has("tags") ? Json.MAPPER.convertValue(body.get("tags"),
                Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class)) : null;
        Map<String, String> context = body.has("context") ? Json.MAPPER.convertValue(body.get("context"),
                Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class)) : null;
        String name = body.has("display_name") ? body.get("display_name").asText() : null;
        String requestId = RequestLog.requestId(ctx);
        AssetChanges changes = new AssetChanges(tags, context, name);
        if (!changes.isEmpty()) {
            library.update(ref, changes, requestId);
        }
        if (body.hasNonNull("public_id") && !body.get("public_id").asText().equals(ref.publicId())) {
            ref = library.move(ref, body.get("public_id").asText(), requestId).ref();
        }
        Responder.json(ctx, 200, Json.bytes(asset(library.find(ref).orElseThrow())));
    }

    /** DELETE /api/media/{id}[?force=true]. */
    public void deleteOne(Context ctx) {
        authorize(ctx);
        CatalogAsset a = byId(ctx);
        var result = library.delete(a.ref().type(), List.of(a.ref().publicId()), "true".equals(ctx.queryParam("force")),
                RequestLog.requestId(ctx));
        String outcome = result.get(a.ref().publicId());
        Responder.json(ctx, "in_use".equals(outcome) ? 409 : 200, Json.bytes(Json.MAPPER.valueToTree(result)));
    }

    /** DELETE /api/media?public_ids=a,b[&resource_type=image][&force=true]: per-id results. */
    public void deleteMany(Context ctx) {
        authorize(ctx);
        Params p = new Params(ctx, DELETE_MANY_PARAMS);
        String ids = p.single("public_ids");
        if (ids == null || ids.isBlank()) {
            throw ApiException.badParameter("public_ids", "public_ids: a comma-separated list is required");
        }
        ResourceType type;
        try {
            type = p.single("resource_type") == null ? ResourceType.IMAGE : ResourceType.of(p.single("resource_type"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("resource_type", e.getMessage());
        }
        List<String> list = java.util.Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        var result = library.delete(type, list, Boolean.TRUE.equals(p.bool("force")), RequestLog.requestId(ctx));
        Responder.json(ctx, 200, Json.bytes(Json.MAPPER.valueToTree(result)));
    }

    private CatalogAsset byId(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("id", "id must be a catalog id (a whole number)");
        }
        CatalogAsset a = library.details(id).orElseThrow(() -> ApiException.notFound("No media asset " + id + ".")).asset();
        if (a.deleted()) {
            throw ApiException.notFound("Media asset " + id + " was deleted.");
        }
        return a;
    }

    private static ObjectNode asset(CatalogAsset a) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(AssetJson.render(a));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void authorize(Context ctx) {
        if (token == null) {
            throw ApiException.forbidden("The media API is disabled: set POKEPEDIA_MEDIA_API_TOKEN to enable it.");
        }
        String h = ctx.header("Authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(token, given)) {
            throw ApiException.unauthorized("Send Authorization: Bearer <media API token>.");
        }
    }

    /** The provider's answer as an HTTP status; its message never holds credentials. */
    static ApiException provider(ProviderException e) {
        return switch (e.kind()) {
            case REJECTED -> ApiException.badRequest(e.getMessage());
            case NOT_FOUND -> ApiException.notFound(e.getMessage());
            case RATE_LIMITED -> ApiException.tooManyRequests(e.getMessage(), 60);
            default -> ApiException.badGateway(e.getMessage());
        };
    }

    /** "name: why" from the module's validation → a 400 naming that parameter. */
    private static ApiException bad(IllegalArgumentException e) {
        String m = String.valueOf(e.getMessage());
        int colon = m.indexOf(':');
        String param = colon > 0 && colon < 20 && !m.substring(0, colon).contains(" ") ? m.substring(0, colon) : null;
        return param == null ? ApiException.badRequest(m) : ApiException.badParameter(param, m);
    }

    /**
     * Keeps the catalog in memory for the list and search routes, and, when webhooks are taken, creates their queue
     * and starts this server's worker for it.
     */
    public void start(dev.pokepedia.core.DatabaseConfig database, Queues queues, MeterRegistry registry, Clock clock) {
        memory = library.keepInMemory(database);
        if (verifier == null) {
            return;
        }
        MediaWebhookQueue q = new MediaWebhookQueue(queues, library).ensureQueue();
        WorkerRuntime w = new WorkerRuntime(queues, clock, registry).register(q.workerConfig(), q.handler());
        w.start();
        webhooks = q;
        worker = w;
    }

    @Override
    public void close() {
        WorkerRuntime w = worker;
        if (w != null) {
            w.shutdown(Duration.ofSeconds(10)); // why: hands unfinished notifications back to the queue
        }
        AutoCloseable m = memory;
        if (m != null) {
            try {
                m.close();
            } catch (Exception e) {
                log.warn("stopping the media catalog copy failed: {}", e.getMessage(), e);
            }
        }
    }
}
