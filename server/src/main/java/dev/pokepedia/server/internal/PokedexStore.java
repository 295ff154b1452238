package dev.pokepedia.server.internal;

import dev.pokepedia.core.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * SQL over the projection tables for the Pokédex queries. Only fixed SQL text and whitelisted column names reach the
 * statements; every client value is a bind parameter. Each row comes out of Postgres as one JSON object, media paths
 * already turned into URLs: the mirror's public URL when the asset is stored, else the upstream one.
 */
public final class PokedexStore {

    /** A filter: an SQL condition with its bind values, and the same test over a row's column values in memory. */
    public record Clause(String sql, List<Object> values, Predicate<Function<String, Object>> test) {
        /** {@code column = value} (a NULL column never matches, as in SQL). */
        public static Clause eq(String column, Object value) {
            return new Clause("p." + column + " = ?", List.of(value), row -> value.equals(row.apply(column)));
        }

        /** {@code a = value OR b = value}. */
        public static Clause eitherEq(String a, String b, Object value) {
            return new Clause("p." + a + " = ? OR p." + b + " = ?", List.of(value, value),
                    row -> value.equals(row.apply(a)) || value.equals(row.apply(b)));
        }

        /** Text starting with {@code prefix}, which must hold no LIKE wildcards. */
        public static Clause prefix(String column, String prefix) {
            return new Clause("p." + column + " LIKE ?", List.of(prefix + "%"),
                    row -> row.apply(column) instanceof String s && s.startsWith(prefix));
        }
    }

    /** One sort key: a sortable column, descending or not; NULLs always last. */
    public record Order(String column, boolean desc) {}

    /**
     * One projection: its table (alias p), joins for the row JSON, row JSON, sortable columns, optional detail extras
     * and the columns filters test.
     */
    public record Kind(String name, String apiEndpoint, String table, String joins, String item, String detailExtra,
                       Map<String, String> sortable, Set<String> filterable) {
        String from() {
            return joins.isEmpty() ? table : table + " " + joins;
        }

        /** The row JSON of the detail view: the item with the detail extras. */
        String detailItem() {
            // why: json_build_object(a, b, …) is open at its end; the extras are more key/value pairs of the same object
            return detailExtra == null ? item : item.substring(0, item.length() - 1) + ", " + detailExtra + ")";
        }
    }

    private static final String CFG = "(SELECT ?::text AS api, ?::text AS media) cfg";

    private static String media(String alias, String bucket, String pathExpr, String upstreamRepo) {
        return "CASE WHEN " + pathExpr + " IS NULL THEN NULL"
                + " WHEN " + alias + ".status = 'stored' AND cfg.media IS NOT NULL THEN cfg.media || '/storage/v1/object/public/" + bucket + "/' || " + pathExpr
                + " ELSE coalesce(" + alias + ".source_url, 'https://raw.githubusercontent.com/PokeAPI/" + upstreamRepo + "/' || " + pathExpr + ") END";
    }

    private static String stored(String alias, String bucket) {
        return "WHEN " + alias + ".status = 'stored' AND cfg.media IS NOT NULL THEN cfg.media || '/storage/v1/object/public/" + bucket + "/' || "
                + alias + ".path ";
    }

    // why: the grid needs one picture per Pokémon, and a mirror often holds only some sprite sets (the npm package
    // has the animated and dream-world ones, no PNGs): the first stored of front PNG, animated GIF, dream-world SVG,
    // official artwork, else the upstream front PNG
    private static final String SPRITE = "CASE WHEN p.sprite_front_default_path IS NULL AND s3.path IS NULL AND s4.path IS NULL THEN NULL "
            + stored("s1", "pokedex-sprites") + stored("s3", "pokedex-sprites") + stored("s4", "pokedex-sprites") + stored("s2", "pokedex-sprites")
            + "ELSE coalesce(s1.source_url, 'https://raw.githubusercontent.com/PokeAPI/sprites/master/' || p.sprite_front_default_path) END";

    private static final String POKEMON_ITEM = "json_build_object('id', p.id, 'name', p.name, 'species_id', p.species_id, "
            + "'generation', p.generation, 'is_default', p.is_default, 'types', p.types, 'abilities', p.abilities, "
            + "'stats', json_build_object('hp', p.hp, 'attack', p.attack, 'defense', p.defense, 'special_attack', p.special_attack, "
            + "'special_defense', p.special_defense, 'speed', p.speed), 'total_base_stat', p.total_base_stat, "
            + "'height', p.height, 'weight', p.weight, 'base_experience', p.base_experience, "
            + "'sprite', " + SPRITE + ", "
            + "'artwork', " + media("s2", "pokedex-sprites", "p.sprite_official_artwork_path", "sprites/master") + ", "
            + "'cries', json_build_object('latest', " + media("c1", "pokedex-cries", "p.cry_latest_path", "cries/main") + ", "
            + "'legacy', " + media("c2", "pokedex-cries", "p.cry_legacy_path", "cries/main") + "), "
            + "'url', cfg.api || '/api/v2/pokemon/' || p.id || '/', 'detail', cfg.api || '/pokedex/pokemon/' || p.id)";

    public static final Kind POKEMON = new Kind("pokemon", "pokemon", "pokepedia_pokemon p", """
            LEFT JOIN pokepedia_assets s1 ON s1.bucket = 'pokedex-sprites' AND s1.path = p.sprite_front_default_path
            LEFT JOIN pokepedia_assets s2 ON s2.bucket = 'pokedex-sprites' AND s2.path = p.sprite_official_artwork_path
            LEFT JOIN pokepedia_assets s3 ON s3.bucket = 'pokedex-sprites'
                  AND s3.path = 'sprites/pokemon/versions/generation-v/black-white/animated/' || p.id || '.gif'
            LEFT JOIN pokepedia_assets s4 ON s4.bucket = 'pokedex-sprites' AND s4.path = 'sprites/pokemon/other/dream-world/' || p.id || '.svg'
            LEFT JOIN pokepedia_assets c1 ON c1.bucket = 'pokedex-cries' AND c1.path = p.cry_latest_path
            LEFT JOIN pokepedia_assets c2 ON c2.bucket = 'pokedex-cries' AND c2.path = p.cry_legacy_path""",
            POKEMON_ITEM,
            "'species', (SELECT to_json(s) FROM (SELECT id, name, generation, genus, flavor_text, flavor_text_version, is_legendary, "
                    + "is_mythical, is_baby, color, shape, habitat, growth_rate, capture_rate, base_happiness, gender_rate, hatch_counter, "
                    + "evolution_chain_id, evolves_from_species_id FROM pokepedia_species WHERE id = p.species_id) s), "
                    + "'evolution_chain', (SELECT c.stages FROM pokepedia_evolution_chains c JOIN pokepedia_species s ON s.evolution_chain_id = c.id "
                    + "WHERE s.id = p.species_id)",
            sortable("p", "id", "name", "generation", "total_base_stat", "hp", "attack", "defense", "special_attack",
                    "special_defense", "speed", "height", "weight", "base_experience"),
            Set.of("name", "generation", "type_primary", "type_secondary", "is_default"));

    public static final Kind SPECIES = new Kind("species", "pokemon-species", "pokepedia_species p", "",
            "json_build_object('id', p.id, 'name', p.name, 'generation', p.generation, 'genus', p.genus, 'flavor_text', p.flavor_text, "
                    + "'is_legendary', p.is_legendary, 'is_mythical', p.is_mythical, 'is_baby', p.is_baby, 'color', p.color, "
                    + "'shape', p.shape, 'habitat', p.habitat, 'growth_rate', p.growth_rate, 'capture_rate', p.capture_rate, "
                    + "'base_happiness', p.base_happiness, 'evolution_chain_id', p.evolution_chain_id, "
                    + "'evolves_from_species_id', p.evolves_from_species_id, "
                    + "'url', cfg.api || '/api/v2/pokemon-species/' || p.id || '/', 'detail', cfg.api || '/pokedex/species/' || p.id)",
            "'varieties', (SELECT coalesce(json_agg(json_build_object('id', v.id, 'name', v.name, 'is_default', v.is_default) ORDER BY v.id), '[]') "
                    + "FROM pokepedia_pokemon v WHERE v.species_id = p.id), "
                    + "'evolution_chain', (SELECT c.stages FROM pokepedia_evolution_chains c WHERE c.id = p.evolution_chain_id)",
            sortable("p", "id", "name", "generation", "capture_rate", "base_happiness"),
            Set.of("name", "generation", "is_legendary", "is_mythical", "is_baby"));

    public static final Kind MOVES = new Kind("moves", "move", "pokepedia_moves p", "",
            "json_build_object('id', p.id, 'name', p.name, 'type', p.type, 'damage_class', p.damage_class, 'power', p.power, "
                    + "'accuracy', p.accuracy, 'pp', p.pp, 'priority', p.priority, 'effect_chance', p.effect_chance, "
                    + "'generation', p.generation, 'target', p.target, 'short_effect', p.short_effect, "
                    + "'url', cfg.api || '/api/v2/move/' || p.id || '/', 'detail', cfg.api || '/pokedex/moves/' || p.id)",
            null, sortable("p", "id", "name", "power", "accuracy", "pp", "priority", "generation"),
            Set.of("name", "generation", "type", "damage_class"));

    public static final Kind TYPES = new Kind("types", "type", "pokepedia_types p", "",
            "json_build_object('id', p.id, 'name', p.name, 'generation', p.generation, 'move_damage_class', p.move_damage_class, "
                    + "'double_damage_to', p.double_damage_to, 'half_damage_to', p.half_damage_to, 'no_damage_to', p.no_damage_to, "
                    + "'double_damage_from', p.double_damage_from, 'half_damage_from', p.half_damage_from, "
                    + "'no_damage_from', p.no_damage_from, "
                    + "'url', cfg.api || '/api/v2/type/' || p.id || '/', 'detail', cfg.api || '/pokedex/types/' || p.id)",
            "'pokemon', (SELECT coalesce(json_agg(json_build_object('id', v.id, 'name', v.name) ORDER BY v.id), '[]') "
                    + "FROM pokepedia_pokemon v WHERE v.type_primary = p.name OR v.type_secondary = p.name)",
            sortable("p", "id", "name", "generation"), Set.of("name", "generation"));

    private final Database db;
    private final DocumentRenderer renderer;

    public PokedexStore(Database db, DocumentRenderer renderer) {
        this.db = db;
        this.renderer = renderer;
    }

    /** The prefix of every public URL of a mirrored asset, or null when media URLs are left pointing upstream. */
    public String mediaBase() {
        return renderer.mediaBase() == null ? null : renderer.mediaBase() + "/storage/v1/object/public/";
    }

    /** A page of rows as JSON object texts, in order. */
    public List<String> page(Kind kind, List<Clause> where, List<Order> orderBy, int limit, int offset) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(kind.item()).append(" FROM ").append(CFG).append(", ").append(kind.from());
        appendWhere(sql, where);
        sql.append(" ORDER BY ");
        for (Order o : orderBy) {
            sql.append(kind.sortable().get(o.column())).append(o.desc() ? " DESC" : " ASC").append(" NULLS LAST, ");
        }
        sql.append("p.id ASC LIMIT ? OFFSET ?");
        List<String> out = new ArrayList<>(limit);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bindCfg(ps);
            i = bind(ps, i, where);
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Json.compact(rs.getString(1)));
                }
            }
        }
        return out;
    }

    public long count(Kind kind, List<Clause> where) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM ").append(kind.table());
        appendWhere(sql, where);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, 1, where);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One row with its detail extras, by id or name. */
    public Optional<String> one(Kind kind, String idOrName) throws SQLException {
        String item = kind.detailItem();
        boolean byId = ResourceStore.isKey(idOrName);
        String sql = "SELECT " + item + " FROM " + CFG + ", " + kind.from() + " WHERE " + (byId ? "p.id = ?" : "p.name = ?")
                + " ORDER BY p.id LIMIT 1";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindCfg(ps);
            if (byId) {
                ps.setInt(i, Integer.parseInt(idOrName));
            } else {
                ps.setString(i, idOrName);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Json.compact(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Names of the types the projections know (to reject an unknown {@code type=} with the list of valid ones). */
    public Set<String> typeNames() throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT name FROM pokepedia_types");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** One projection row as the in-memory Pokédex keeps it. */
    public record Row(int id, String name, int nameRank, Map<String, Object> values, String item, String detail) {}

    /**
     * Every row of a projection, in id order, with its list and detail JSON exactly as {@link #page} and {@link #one}
     * make them, the columns the filters and sorts use, and its rank in the database's order of names (so that sorting
     * by name in memory follows the database's collation).
     */
    public List<Row> all(Connection c, Kind kind) throws SQLException {
        List<String> columns = new ArrayList<>(new TreeSet<>(kind.filterable()));
        kind.sortable().keySet().forEach(k -> {
            if (!columns.contains(k)) {
                columns.add(k);
            }
        });
        StringBuilder sql = new StringBuilder("SELECT ").append(kind.item()).append(", ").append(kind.detailItem())
                .append(", rank() OVER (ORDER BY p.name)");
        for (String col : columns) {
            sql.append(", p.").append(col);
        }
        sql.append(" FROM ").append(CFG).append(", ").append(kind.from()).append(" ORDER BY p.id");
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bindCfg(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> values = new java.util.HashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        Object v = rs.getObject(4 + i);
                        if (v != null) {
                            values.put(columns.get(i), v);
                        }
                    }
                    out.add(new Row(((Number) values.get("id")).intValue(), (String) values.get("name"), rs.getInt(3),
                            Map.copyOf(values), Json.compact(rs.getString(1)), Json.compact(rs.getString(2))));
                }
            }
        }
        return out;
    }

    private int bindCfg(PreparedStatement ps) throws SQLException {
        ps.setString(1, renderer.apiBase());
        ps.setString(2, renderer.mediaBase());
        return 3;
    }

    private static void appendWhere(StringBuilder sql, List<Clause> where) {
        for (int i = 0; i < where.size(); i++) {
            sql.append(i == 0 ? " WHERE " : " AND ").append('(').append(where.get(i).sql()).append(')');
        }
    }

    private static int bind(PreparedStatement ps, int start, List<Clause> where) throws SQLException {
        int i = start;
        for (Clause c : where) {
            for (Object v : c.values()) {
                ps.setObject(i++, v);
            }
        }
        return i;
    }

    private static Map<String, String> sortable(String alias, String... columns) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String col : columns) {
            m.put(col, alias + "." + col);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
