package dev.pokepedia.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pokédex queries on the projections: {@code /pokedex/{pokemon|species|moves|types}} with filters, sort and paging,
 * and {@code /pokedex/{kind}/{id or name}} with detail. Every parameter is validated; a bad one is a 400 that names
 * it and says what is allowed.
 */
public final class PokedexApi {

    private static final Pattern NAME = Pattern.compile("^[a-z0-9-]{1,60}$");
    private static final Pattern SLUG = Pattern.compile("^[a-z-]{1,30}$");
    private static final Pattern SORT_FIELD = Pattern.compile("^-?[a-z_]{1,40}$");
    private static final Set<String> DAMAGE_CLASSES = Set.of("physical", "special", "status");
    private static final Map<String, PokedexStore.Kind> KINDS = Map.of("pokemon", PokedexStore.POKEMON, "species", PokedexStore.SPECIES,
            "moves", PokedexStore.MOVES, "types", PokedexStore.TYPES);

    private final PokedexStore store;
    private final int maxLimit;
    private final String base;
    private final Cache<String, Set<String>> typeNames = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(30)).build();

    private final MemoryServing memory;

    /** @param memory the in-memory projections, or null to query the database on every request */
    public PokedexApi(PokedexStore store, int maxLimit, String base, MemoryServing memory) {
        this.store = store;
        this.memory = memory;
        this.maxLimit = maxLimit;
        this.base = base;
    }

    public void list(Context ctx) throws SQLException {
        PokedexMemory.Snapshot cached = memory == null ? null : memory.pokedex();
        // why the raw target: the answer depends only on it and the snapshot; a bad parameter is never kept (it throws)
        String target = cached == null ? null : ctx.path() + "?" + ctx.queryString();
        Representation hit = cached == null ? null : cached.answer(target);
        if (hit != null) {
            Responder.send(ctx, hit, Responder.API_CACHE);
            return;
        }
        PokedexStore.Kind kind = kind(ctx);
        Set<String> allowed = new java.util.HashSet<>(Set.of("limit", "offset", "sort", "name"));
        switch (kind.name()) {
            case "pokemon" -> allowed.addAll(Set.of("type", "generation", "is_default"));
            case "species" -> allowed.addAll(Set.of("generation", "is_legendary", "is_mythical", "is_baby"));
            case "moves" -> allowed.addAll(Set.of("type", "damage_class", "generation"));
            default -> allowed.add("generation");
        }
        Params params = new Params(ctx, allowed);
        Map<String, String> echo = new LinkedHashMap<>(); // normalised filters, repeated in next/previous links
        List<PokedexStore.Clause> where = filters(kind, params, echo);
        List<PokedexStore.Order> order = sort(kind, params, echo);
        int limit = params.integer("limit", ListPaging.DEFAULT_LIMIT, 1, maxLimit);
        int offset = params.integer("offset", 0, 0, ListPaging.MAX_OFFSET);
        PokedexMemory.Snapshot snapshot = memory == null ? null : memory.pokedex();
        long count;
        List<String> rows;
        if (snapshot != null) {
            PokedexMemory.Page page = snapshot.page(kind, where, order, limit, offset);
            count = page.count();
            rows = page.items();
        } else {
            count = store.count(kind, where);
            rows = store.page(kind, where, order, limit, offset);
        }
        ListPaging paging = new ListPaging(offset, limit);
        String self = base + "/pokedex/" + kind.name() + "/";
        StringBuilder b = new StringBuilder(256 + rows.size() * 600);
        b.append("{\"count\":").append(count).append(",\"limit\":").append(limit).append(",\"offset\":").append(offset)
                .append(",\"next\":").append(link(self, echo, paging.next(count)))
                .append(",\"previous\":").append(link(self, echo, paging.previous()))
                // why: tells a client which media URLs point into this mirror (the rest are upstream fallbacks)
                .append(",\"media_base\":").append(Json.MAPPER.valueToTree(store.mediaBase()).toString())
                .append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            b.append(i == 0 ? "" : ",").append(rows.get(i));
        }
        b.append("]}");
        Representation r = Representation.json(Json.utf8(b.toString()));
        if (cached != null && snapshot == cached) {
            cached.keep(target, r);
        }
        Responder.send(ctx, r, Responder.API_CACHE);
    }

    public void one(Context ctx) throws SQLException {
        PokedexStore.Kind kind = kind(ctx);
        new Params(ctx, Set.of());
        String id = ctx.pathParam("id").toLowerCase(Locale.ROOT);
        if (!ResourceStore.isKey(id) && !NAME.matcher(id).matches()) {
            throw ApiException.notFound();
        }
        PokedexMemory.Snapshot snapshot = memory == null ? null : memory.pokedex();
        String json;
        if (snapshot != null) {
            PokedexStore.Row row = snapshot.one(kind, id);
            if (row == null) {
                throw ApiException.notFound();
            }
            json = row.detail();
        } else {
            json = store.one(kind, id).orElseThrow(ApiException::notFound);
        }
        Responder.send(ctx, Representation.json(Json.utf8(json)), Responder.API_CACHE);
    }

    private static PokedexStore.Kind kind(Context ctx) {
        PokedexStore.Kind k = KINDS.get(ctx.pathParam("kind").toLowerCase(Locale.ROOT));
        if (k == null) {
            throw ApiException.notFound("Unknown Pokédex collection; use one of /pokedex/pokemon, /pokedex/species, /pokedex/moves, /pokedex/types");
        }
        return k;
    }

    private List<PokedexStore.Clause> filters(PokedexStore.Kind kind, Params p, Map<String, String> echo) throws SQLException {
        List<PokedexStore.Clause> where = new ArrayList<>();
        String name = p.matching("name", NAME, "a name prefix of lower-case letters, digits and '-'");
        if (name != null) {
            where.add(PokedexStore.Clause.prefix("name", name)); // why: the pattern admits no LIKE wildcards
            echo.put("name", name);
        }
        int g = p.integer("generation", 0, 1, 99);
        if (g > 0) {
            where.add(PokedexStore.Clause.eq("generation", g));
            echo.put("generation", Integer.toString(g));
        }
        switch (kind.name()) {
            case "pokemon" -> {
                String type = type(p);
                if (type != null) {
                    where.add(PokedexStore.Clause.eitherEq("type_primary", "type_secondary", type));
                    echo.put("type", type);
                }
                bool(p, "is_default", where, echo);
            }
            case "species" -> {
                bool(p, "is_legendary", where, echo);
                bool(p, "is_mythical", where, echo);
                bool(p, "is_baby", where, echo);
            }
            case "moves" -> {
                String type = type(p);
                if (type != null) {
                    where.add(PokedexStore.Clause.eq("type", type));
                    echo.put("type", type);
                }
                String dc = p.matching("damage_class", SLUG, "one of physical, special, status");
                if (dc != null) {
                    if (!DAMAGE_CLASSES.contains(dc)) {
                        throw ApiException.badParameter("damage_class", "damage_class must be one of physical, special, status: got '" + dc + "'");
                    }
                    where.add(PokedexStore.Clause.eq("damage_class", dc));
                    echo.put("damage_class", dc);
                }
            }
            default -> {
                // types: only name and generation
            }
        }
        return where;
    }

    private String type(Params p) throws SQLException {
        String type = p.matching("type", SLUG, "a type name such as fire or water");
        if (type == null) {
            return null;
        }
        PokedexMemory.Snapshot snapshot = memory == null ? null : memory.pokedex();
        Set<String> known = snapshot != null ? snapshot.typeNames() : memory != null ? store.typeNames() : typeNames.getIfPresent("all");
        if (known == null) {
            known = store.typeNames();
            typeNames.put("all", known);
        }
        if (!known.isEmpty() && !known.contains(type)) {
            throw ApiException.badParameter("type", "type '" + type + "' is not a known type; known: " + String.join(", ", known));
        }
        return type;
    }

    private static void bool(Params p, String param, List<PokedexStore.Clause> where, Map<String, String> echo) {
        Boolean v = p.bool(param);
        if (v != null) {
            where.add(PokedexStore.Clause.eq(param, v));
            echo.put(param, v.toString());
        }
    }

    /** {@code sort=-total_base_stat,name}: whitelisted columns only, NULLs last, id breaks ties. */
    private static List<PokedexStore.Order> sort(PokedexStore.Kind kind, Params p, Map<String, String> echo) {
        String spec = p.single("sort");
        List<PokedexStore.Order> order = new ArrayList<>();
        if (spec != null) {
            List<String> normalised = new ArrayList<>();
            for (String raw : spec.split(",", -1)) {
                String f = raw.trim();
                boolean desc = f.startsWith("-");
                String col = desc ? f.substring(1) : f;
                String sqlCol = SORT_FIELD.matcher(f).matches() ? kind.sortable().get(col) : null;
                if (sqlCol == null) {
                    throw ApiException.badParameter("sort", "sort field '" + Text.clip(raw) + "' is not sortable; use "
                            + String.join(", ", kind.sortable().keySet()) + " (prefix - for descending, comma-separated)");
                }
                order.add(new PokedexStore.Order(col, desc));
                normalised.add(f);
            }
            echo.put("sort", String.join(",", normalised));
        }
        return order;
    }

    private static String link(String self, Map<String, String> echo, String pageQuery) {
        if (pageQuery == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(self).append(pageQuery);
        echo.forEach((k, v) -> b.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return new String(Json.bytes(b.toString()), StandardCharsets.UTF_8);
    }
}
