package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The PokeAPI-compatible read API from the canonical store: {@code /api/v2/}, paged endpoint lists, documents by id
 * or name, {@code pokemon/{id}/encounters}. Paths are lower-cased and work with or without the trailing slash, like
 * upstream. With {@link MemoryServing}, documents, endpoint lists and the endpoint set come from memory kept current by
 * the change feed, and the database answers only what memory does not hold (yet). Without it, rendered documents are
 * cached by (type, key) and reused while the stored version and the stored state of their media are unchanged; either
 * way a re-synced document is never served stale.
 */
public final class ResourceApi {

    private static final Pattern SEGMENT = Pattern.compile("^[a-z0-9][a-z0-9-]{0,99}$");
    private static final Set<String> LIST_PARAMS = Set.of("limit", "offset");

    private record CacheKey(String type, String key) {}

    private record Rendered(String versionTag, Representation representation) {}

    private final ResourceStore store;
    private final DocumentRenderer renderer;
    private final int maxListLimit;
    private final Cache<CacheKey, Rendered> documents;
    private final Cache<String, Set<String>> endpoints;
    private final MemoryServing memory;

    /** @param memory the in-memory copy, or null to read the database on every request */
    public ResourceApi(ResourceStore store, DocumentRenderer renderer, int maxListLimit, int cacheMb, MemoryServing memory) {
        this.store = store;
        this.memory = memory;
        this.renderer = renderer;
        this.maxListLimit = maxListLimit;
        this.documents = Caffeine.newBuilder().maximumWeight(Math.max(1L, (long) cacheMb << 20))
                .weigher((CacheKey k, Rendered r) -> r.representation().weight()).build();
        // why: the endpoint set changes only when a sync adds an endpoint; a few seconds of staleness is harmless
        this.endpoints = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5)).build();
    }

    public void root(Context ctx) throws SQLException {
        new Params(ctx, Set.of());
        ObjectNode root = Json.object();
        for (String e : endpointSet()) {
            root.put(e, renderer.api("/api/v2/" + e + "/"));
        }
        Responder.send(ctx, Representation.json(Json.bytes(root)), Responder.API_CACHE);
    }

    public void list(Context ctx) throws SQLException {
        String endpoint = segment(ctx.pathParam("endpoint"));
        if (endpoint.equals("meta")) {
            sendDocument(ctx, "meta", "meta");
            return;
        }
        requireEndpoint(endpoint);
        ListPaging paging = ListPaging.from(new Params(ctx, LIST_PARAMS), maxListLimit);
        DocumentMemory.TypeIndex index = memory != null && memory.trusted() ? memory.documents().index(endpoint) : null;
        if (index != null) {
            String pageKey = paging.offset() + ":" + paging.limit();
            Representation r = index.pages().get(pageKey);
            if (r == null) {
                int from = (int) Math.min(paging.offset(), index.items().size());
                int to = (int) Math.min((long) paging.offset() + paging.limit(), index.items().size());
                r = listPage(endpoint, paging, index.items().size(), index.items().subList(from, to));
                if (index.pages().size() < DocumentMemory.MAX_CACHED_PAGES) {
                    index.pages().put(pageKey, r);
                }
            }
            Responder.send(ctx, r, Responder.API_CACHE);
            return;
        }
        long count = store.count(endpoint);
        Responder.send(ctx, listPage(endpoint, paging, count, store.page(endpoint, paging.offset(), paging.limit())), Responder.API_CACHE);
    }

    private Representation listPage(String endpoint, ListPaging paging, long count, List<ResourceStore.Item> items) {
        String listUrl = renderer.api("/api/v2/" + endpoint + "/");
        ObjectNode page = Json.object();
        page.put("count", count);
        String next = paging.next(count);
        String previous = paging.previous();
        page.put("next", next == null ? null : listUrl + next);
        page.put("previous", previous == null ? null : listUrl + previous);
        ArrayNode results = page.putArray("results");
        for (ResourceStore.Item item : items) {
            ObjectNode n = results.addObject();
            if (item.name() != null) {
                n.put("name", item.name());
            }
            n.put("url", listUrl + item.key() + "/");
        }
        return Representation.json(Json.bytes(page));
    }

    public void document(Context ctx) throws SQLException {
        String endpoint = segment(ctx.pathParam("endpoint"));
        String id = segment(ctx.pathParam("id"));
        new Params(ctx, Set.of());
        if (endpoint.equals("meta") || endpoint.equals("pokemon-encounters")) {
            throw ApiException.notFound();
        }
        sendDocument(ctx, endpoint, id);
    }

    public void encounters(Context ctx) throws SQLException {
        String endpoint = segment(ctx.pathParam("endpoint"));
        String id = segment(ctx.pathParam("id"));
        new Params(ctx, Set.of());
        if (!endpoint.equals("pokemon")) {
            throw ApiException.notFound();
        }
        DocumentMemory.TypeIndex pokemon = memory != null && memory.trusted() ? memory.documents().index("pokemon") : null;
        String key = ResourceStore.isKey(id) ? id
                : pokemon != null ? Optional.ofNullable(pokemon.keyByName().get(id)).orElseThrow(ApiException::notFound)
                : store.version("pokemon", id).map(ResourceStore.Version::key).orElseThrow(ApiException::notFound);
        sendDocument(ctx, "pokemon-encounters", key);
    }

    private void sendDocument(Context ctx, String type, String keyOrName) throws SQLException {
        long mark = 0;
        if (memory != null) {
            if (memory.trusted() && sendFromMemory(ctx, type, keyOrName)) {
                return;
            }
            mark = memory.documents().mark(); // why before the reads: a change after it refuses what they return
        }
        ResourceStore.Version v = store.version(type, keyOrName).orElseThrow(ApiException::notFound);
        CacheKey ck = new CacheKey(type, v.key());
        Rendered r = documents.getIfPresent(ck);
        if (r == null || !r.versionTag().equals(v.tag())) {
            Optional<ResourceStore.Document> doc = store.document(type, v.key());
            if (doc.isEmpty()) {
                throw ApiException.notFound(); // tombstoned between the two reads
            }
            r = new Rendered(v.tag(), memory != null ? memory.render(doc.get())
                    : Representation.json(renderer.render(doc.get().json(), doc.get().stored())));
            documents.put(ck, r);
        }
        if (memory != null) {
            memory.documents().put(type, v.key(), r.representation(), mark);
        }
        Responder.send(ctx, r.representation(), Responder.API_CACHE);
    }

    /** Answers from memory if it can: the document, or a 404 when its endpoint's index proves it does not exist. */
    private boolean sendFromMemory(Context ctx, String type, String keyOrName) {
        DocumentMemory.TypeIndex index = memory.documents().index(type);
        String key = ResourceStore.isKey(keyOrName) ? Integer.toString(Integer.parseInt(keyOrName))
                : index == null ? null : index.keyByName().get(keyOrName);
        if (key != null) {
            Representation r = memory.documents().document(type, key);
            if (r != null) {
                Responder.send(ctx, r, Responder.API_CACHE);
                return true;
            }
        }
        if (index != null && (key == null || !index.keys().contains(key))) {
            throw ApiException.notFound();
        }
        return false;
    }

    private void requireEndpoint(String endpoint) throws SQLException {
        if (!endpointSet().contains(endpoint)) {
            throw ApiException.notFound();
        }
    }

    private Set<String> endpointSet() throws SQLException {
        if (memory != null) {
            Set<String> known = memory.trusted() ? memory.documents().endpoints() : null;
            if (known != null) {
                return known;
            }
            long mark = memory.documents().mark();
            Set<String> read = store.endpoints();
            memory.documents().putEndpoints(read, mark);
            return read;
        }
        Set<String> e = endpoints.getIfPresent("all");
        if (e == null) {
            e = store.endpoints();
            endpoints.put("all", e);
        }
        return e;
    }

    /** A path segment, lower-cased like upstream; anything odd cannot name a resource. */
    private static String segment(String raw) {
        String s = raw.toLowerCase(Locale.ROOT);
        if (!SEGMENT.matcher(s).matches() && !ResourceStore.isKey(s)) {
            throw ApiException.notFound();
        }
        return s;
    }
}
