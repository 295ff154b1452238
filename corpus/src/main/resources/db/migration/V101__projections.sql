-- Projections: flat, indexed tables a Pokédex screen queries directly. Rebuilt by pokepedia_refresh_projections()
-- only for documents listed in pokepedia_projection_pending (and what depends on them).

CREATE TABLE pokepedia_pokemon (
    id                           integer PRIMARY KEY,
    name                         text    NOT NULL,
    sort_order                   integer,          -- upstream 'order' (renamed: 'order' is a reserved word and a PostgREST parameter)
    is_default                   boolean,
    species_id                   integer,
    generation                   integer,          -- from the species
    types                        jsonb   NOT NULL, -- type names in slot order, e.g. ["fire","flying"]
    type_primary                 text,
    type_secondary               text,
    abilities                    jsonb   NOT NULL, -- [{"name","is_hidden","slot"}]
    hp                           integer,
    attack                       integer,
    defense                      integer,
    special_attack               integer,
    special_defense              integer,
    speed                        integer,
    total_base_stat              integer,
    height                       integer,
    weight                       integer,
    base_experience              integer,
    sprite_front_default_path    text,             -- object path in bucket pokedex-sprites
    sprite_official_artwork_path text,
    cry_latest_path              text,             -- object path in bucket pokedex-cries
    cry_legacy_path              text,
    updated_at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pokepedia_pokemon_type_primary_idx ON pokepedia_pokemon (type_primary);
CREATE INDEX pokepedia_pokemon_type_secondary_idx ON pokepedia_pokemon (type_secondary);
CREATE INDEX pokepedia_pokemon_generation_idx ON pokepedia_pokemon (generation);
CREATE INDEX pokepedia_pokemon_total_idx ON pokepedia_pokemon (total_base_stat DESC);
CREATE INDEX pokepedia_pokemon_species_idx ON pokepedia_pokemon (species_id);
CREATE INDEX pokepedia_pokemon_name_idx ON pokepedia_pokemon (name);
CREATE INDEX pokepedia_pokemon_types_gin ON pokepedia_pokemon USING gin (types);

CREATE TABLE pokepedia_species (
    id                      integer PRIMARY KEY,
    name                    text    NOT NULL,
    generation              integer,
    evolution_chain_id      integer,
    evolves_from_species_id integer,
    is_legendary            boolean,
    is_mythical             boolean,
    is_baby                 boolean,
    genus                   text,             -- English, e.g. 'Mouse Pokémon'
    flavor_text             text,             -- English, from the newest game that has one
    flavor_text_version     text,
    color                   text,
    shape                   text,
    habitat                 text,
    growth_rate             text,
    capture_rate            integer,
    base_happiness          integer,
    gender_rate             integer,
    hatch_counter           integer,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pokepedia_species_generation_idx ON pokepedia_species (generation);
CREATE INDEX pokepedia_species_chain_idx ON pokepedia_species (evolution_chain_id);
CREATE INDEX pokepedia_species_name_idx ON pokepedia_species (name);

CREATE TABLE pokepedia_evolution_chains (
    id                integer PRIMARY KEY,
    baby_trigger_item text,
    -- flattened tree, root first: [{"species_id","name","evolves_from_species_id","depth","evolution_details"}]
    stages            jsonb   NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pokepedia_moves (
    id            integer PRIMARY KEY,
    name          text    NOT NULL,
    type          text,
    damage_class  text,
    power         integer,
    accuracy      integer,
    pp            integer,
    priority      integer,
    effect_chance integer,
    generation    integer,
    target        text,
    short_effect  text,   -- English, with $effect_chance filled in
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pokepedia_moves_type_idx ON pokepedia_moves (type);
CREATE INDEX pokepedia_moves_name_idx ON pokepedia_moves (name);

CREATE TABLE pokepedia_types (
    id                 integer PRIMARY KEY,
    name               text    NOT NULL,
    generation         integer,
    move_damage_class  text,
    double_damage_to   jsonb   NOT NULL,  -- type names
    half_damage_to     jsonb   NOT NULL,
    no_damage_to       jsonb   NOT NULL,
    double_damage_from jsonb   NOT NULL,
    half_damage_from   jsonb   NOT NULL,
    no_damage_from     jsonb   NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pokepedia_types_name_idx ON pokepedia_types (name);

-- Tolerant readers: a document with a wrongly typed field must not break the projections of a whole run, so
-- anything that is not the expected JSON type (or does not fit) reads as NULL / an empty array.
CREATE FUNCTION pokepedia_int(j jsonb) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'number' AND (j #>> '{}') ~ '^-?[0-9]{1,9}$' THEN (j #>> '{}')::integer END $$;

CREATE FUNCTION pokepedia_bool(j jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'boolean' THEN j::boolean END $$;

CREATE FUNCTION pokepedia_array(j jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]'::jsonb END $$;

-- Names of the named resources in a JSON array of {"name","url"} (damage relations).
CREATE FUNCTION pokepedia_names(arr jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(jsonb_agg(e->>'name' ORDER BY o), '[]'::jsonb) FROM jsonb_array_elements(pokepedia_array(arr)) WITH ORDINALITY AS t(e, o) $$;

CREATE FUNCTION pokepedia_refresh_projections()
    RETURNS TABLE (projection text, upserted bigint, deleted bigint)
    LANGUAGE plpgsql
    SET jit = off -- why: row estimates over jsonb look huge; JIT compilation costs more than these queries
AS
$fn$
DECLARE
    n_up  bigint;
    n_del bigint;
BEGIN
    -- why: claim the pending rows first; concurrent callers skip what another already claimed (the DELETE waits
    -- for, then skips, rows deleted by a concurrent transaction), and a rollback hands them back.
    IF to_regclass('pg_temp.pokepedia_todo') IS NULL THEN
        CREATE TEMP TABLE pokepedia_todo (resource_type text, resource_key text) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE pokepedia_todo_pokemon (id text PRIMARY KEY) ON COMMIT DELETE ROWS;
    END IF;
    TRUNCATE pg_temp.pokepedia_todo;
    WITH claimed AS (DELETE FROM pokepedia_projection_pending RETURNING resource_type, resource_key)
    INSERT INTO pg_temp.pokepedia_todo SELECT * FROM claimed;

    -- species ---------------------------------------------------------------------------------------------
    DELETE FROM pokepedia_species p USING pg_temp.pokepedia_todo t
     WHERE t.resource_type = 'pokemon-species' AND p.id::text = t.resource_key
       AND NOT EXISTS (SELECT 1 FROM pokeapi_resources r WHERE r.resource_type = 'pokemon-species'
                         AND r.resource_key = t.resource_key AND r.deleted_at IS NULL);
    GET DIAGNOSTICS n_del = ROW_COUNT;
    INSERT INTO pokepedia_species AS s (id, name, generation, evolution_chain_id, evolves_from_species_id, is_legendary,
        is_mythical, is_baby, genus, flavor_text, flavor_text_version, color, shape, habitat, growth_rate, capture_rate,
        base_happiness, gender_rate, hatch_counter, updated_at)
    SELECT k::int, coalesce(d->>'name', k),
           pokepedia_url_id(d#>>'{generation,url}'),
           pokepedia_url_id(d#>>'{evolution_chain,url}'),
           pokepedia_url_id(d#>>'{evolves_from_species,url}'),
           pokepedia_bool(d->'is_legendary'), pokepedia_bool(d->'is_mythical'), pokepedia_bool(d->'is_baby'),
           (SELECT g->>'genus' FROM jsonb_array_elements(pokepedia_array(d->'genera')) g WHERE g#>>'{language,name}' = 'en' LIMIT 1),
           ft.text, ft.version,
           d#>>'{color,name}', d#>>'{shape,name}', d#>>'{habitat,name}', d#>>'{growth_rate,name}',
           pokepedia_int(d->'capture_rate'), pokepedia_int(d->'base_happiness'), pokepedia_int(d->'gender_rate'), pokepedia_int(d->'hatch_counter'),
           now()
      FROM (SELECT r.resource_key AS k, r.data - '{names,pokedex_numbers,varieties,form_descriptions,pal_park_encounters}'::text[] AS d
              FROM pokeapi_resources r JOIN pg_temp.pokepedia_todo t
              ON t.resource_type = r.resource_type AND t.resource_key = r.resource_key
             WHERE r.resource_type = 'pokemon-species' AND r.deleted_at IS NULL AND r.resource_key ~ '^-?[0-9]{1,9}$' OFFSET 0) src
      LEFT JOIN LATERAL (
           SELECT regexp_replace(f->>'flavor_text', '[\s\u00ad]+', ' ', 'g') AS text, f#>>'{version,name}' AS version
             FROM jsonb_array_elements(pokepedia_array(d->'flavor_text_entries')) WITH ORDINALITY AS x(f, o)
            WHERE f#>>'{language,name}' = 'en' ORDER BY o DESC LIMIT 1) ft ON true
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, generation = excluded.generation,
        evolution_chain_id = excluded.evolution_chain_id, evolves_from_species_id = excluded.evolves_from_species_id,
        is_legendary = excluded.is_legendary, is_mythical = excluded.is_mythical, is_baby = excluded.is_baby,
        genus = excluded.genus, flavor_text = excluded.flavor_text, flavor_text_version = excluded.flavor_text_version,
        color = excluded.color, shape = excluded.shape, habitat = excluded.habitat, growth_rate = excluded.growth_rate,
        capture_rate = excluded.capture_rate, base_happiness = excluded.base_happiness,
        gender_rate = excluded.gender_rate, hatch_counter = excluded.hatch_counter, updated_at = now();
    GET DIAGNOSTICS n_up = ROW_COUNT;
    projection := 'pokepedia_species'; upserted := n_up; deleted := n_del; RETURN NEXT;

    -- pokemon (depends on its species for the generation) -------------------------------------------------
    TRUNCATE pg_temp.pokepedia_todo_pokemon;
    INSERT INTO pg_temp.pokepedia_todo_pokemon
    SELECT resource_key FROM pg_temp.pokepedia_todo WHERE resource_type = 'pokemon'
    UNION
    SELECT p.id::text FROM pokepedia_pokemon p JOIN pg_temp.pokepedia_todo t
        ON t.resource_type = 'pokemon-species' AND t.resource_key = p.species_id::text;

    DELETE FROM pokepedia_pokemon p USING pg_temp.pokepedia_todo_pokemon t
     WHERE p.id::text = t.id
       AND NOT EXISTS (SELECT 1 FROM pokeapi_resources r WHERE r.resource_type = 'pokemon'
                         AND r.resource_key = t.id AND r.deleted_at IS NULL);
    GET DIAGNOSTICS n_del = ROW_COUNT;
    INSERT INTO pokepedia_pokemon AS p (id, name, sort_order, is_default, species_id, generation, types, type_primary,
        type_secondary, abilities, hp, attack, defense, special_attack, special_defense, speed, total_base_stat,
        height, weight, base_experience, sprite_front_default_path, sprite_official_artwork_path, cry_latest_path,
        cry_legacy_path, updated_at)
    SELECT r.resource_key::int, coalesce(d.name #>> '{}', r.resource_key), pokepedia_int(d."order"), pokepedia_bool(d.is_default),
           pokepedia_url_id(d.species->>'url'),
           pokepedia_url_id(sp.data#>>'{generation,url}'),
           ty.types, ty.types->>0, ty.types->>1,
           ab.abilities,
           st.hp, st.attack, st.defense, st.special_attack, st.special_defense, st.speed, st.total,
           pokepedia_int(d.height), pokepedia_int(d.weight), pokepedia_int(d.base_experience),
           pokepedia_media_path(d.sprites->>'front_default'),
           pokepedia_media_path(d.sprites#>>'{other,official-artwork,front_default}'),
           pokepedia_media_path(d.cries->>'latest'),
           pokepedia_media_path(d.cries->>'legacy'),
           now()
      -- why: jsonb_to_record de-TOASTs each (large) document once and picks just these keys; reading fields with
      -- -> one by one would decompress the whole document for each of them
      FROM pokeapi_resources r
      JOIN pg_temp.pokepedia_todo_pokemon t ON t.id = r.resource_key
     CROSS JOIN LATERAL jsonb_to_record(r.data) AS d(name jsonb, "order" jsonb, is_default jsonb, species jsonb,
           types jsonb, abilities jsonb, stats jsonb, sprites jsonb, cries jsonb, height jsonb, weight jsonb, base_experience jsonb)
      LEFT JOIN pokeapi_resources sp ON sp.resource_type = 'pokemon-species'
             AND sp.resource_key = pokepedia_url_id(d.species->>'url')::text AND sp.deleted_at IS NULL
      CROSS JOIN LATERAL (
           SELECT coalesce(jsonb_agg(e#>>'{type,name}' ORDER BY pokepedia_int(e->'slot')), '[]'::jsonb) AS types
             FROM jsonb_array_elements(pokepedia_array(d.types)) e) ty
      CROSS JOIN LATERAL (
           SELECT coalesce(jsonb_agg(jsonb_build_object('name', e#>>'{ability,name}', 'is_hidden', pokepedia_bool(e->'is_hidden'),
                                                        'slot', pokepedia_int(e->'slot')) ORDER BY pokepedia_int(e->'slot')), '[]'::jsonb) AS abilities
             FROM jsonb_array_elements(pokepedia_array(d.abilities)) e) ab
      CROSS JOIN LATERAL (
           SELECT max(pokepedia_int(e->'base_stat')) FILTER (WHERE e#>>'{stat,name}' = 'hp')              AS hp,
                  max(pokepedia_int(e->'base_stat')) FILTER (WHERE e#>>'{stat,name}' = 'attack')          AS attack,
                  max(pokepedia_int(e->'base_stat')) FILTER (WHERE e#>>'{stat,name}' = 'defense')         AS defense,
                  max(pokepedia_int(e->'base_stat')) FILTER (WHERE e#>>'{stat,name}' = 'special-attack')  AS special_attack,
                  max(pokepedia_int(e->'base_stat')) FILTER (WHERE e#>>'{stat,name}' = 'special-defense') AS special_defense,
                  max(pokepedia_int(e->'base_stat')) FILTER (WHERE e#>>'{stat,name}' = 'speed')           AS speed,
                  sum(pokepedia_int(e->'base_stat'))::int                                                 AS total
             FROM jsonb_array_elements(pokepedia_array(d.stats)) e) st
     WHERE r.resource_type = 'pokemon' AND r.deleted_at IS NULL AND r.resource_key ~ '^-?[0-9]{1,9}$'
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order,
        is_default = excluded.is_default, species_id = excluded.species_id, generation = excluded.generation,
        types = excluded.types, type_primary = excluded.type_primary, type_secondary = excluded.type_secondary,
        abilities = excluded.abilities, hp = excluded.hp, attack = excluded.attack, defense = excluded.defense,
        special_attack = excluded.special_attack, special_defense = excluded.special_defense, speed = excluded.speed,
        total_base_stat = excluded.total_base_stat, height = excluded.height, weight = excluded.weight,
        base_experience = excluded.base_experience, sprite_front_default_path = excluded.sprite_front_default_path,
        sprite_official_artwork_path = excluded.sprite_official_artwork_path,
        cry_latest_path = excluded.cry_latest_path, cry_legacy_path = excluded.cry_legacy_path, updated_at = now();
    GET DIAGNOSTICS n_up = ROW_COUNT;
    projection := 'pokepedia_pokemon'; upserted := n_up; deleted := n_del; RETURN NEXT;

    -- evolution chains ------------------------------------------------------------------------------------
    DELETE FROM pokepedia_evolution_chains c USING pg_temp.pokepedia_todo t
     WHERE t.resource_type = 'evolution-chain' AND c.id::text = t.resource_key
       AND NOT EXISTS (SELECT 1 FROM pokeapi_resources r WHERE r.resource_type = 'evolution-chain'
                         AND r.resource_key = t.resource_key AND r.deleted_at IS NULL);
    GET DIAGNOSTICS n_del = ROW_COUNT;
    WITH RECURSIVE src AS (
        SELECT r.resource_key::int AS chain_id, r.data AS d FROM pokeapi_resources r JOIN pg_temp.pokepedia_todo t
            ON t.resource_type = r.resource_type AND t.resource_key = r.resource_key
         WHERE r.resource_type = 'evolution-chain' AND r.deleted_at IS NULL AND r.resource_key ~ '^-?[0-9]{1,9}$'
    ), walk AS (
        SELECT chain_id, d->'chain' AS node, NULL::int AS parent, 0 AS depth, ARRAY[0]::int[] AS pos FROM src
        UNION ALL
        SELECT w.chain_id, e.node, pokepedia_url_id(w.node#>>'{species,url}'), w.depth + 1, w.pos || e.o::int
          FROM walk w, jsonb_array_elements(pokepedia_array(w.node->'evolves_to')) WITH ORDINALITY AS e(node, o)
    )
    INSERT INTO pokepedia_evolution_chains AS c (id, baby_trigger_item, stages, updated_at)
    SELECT s.chain_id, s.d#>>'{baby_trigger_item,name}',
           (SELECT jsonb_agg(jsonb_build_object('species_id', pokepedia_url_id(w.node#>>'{species,url}'),
                                                'name', w.node#>>'{species,name}',
                                                'evolves_from_species_id', w.parent, 'depth', w.depth,
                                                'is_baby', (w.node->>'is_baby')::boolean,
                                                'evolution_details', coalesce(w.node->'evolution_details', '[]'::jsonb))
                             ORDER BY w.pos)
              FROM walk w WHERE w.chain_id = s.chain_id),
           now()
      FROM src s
    ON CONFLICT (id) DO UPDATE SET baby_trigger_item = excluded.baby_trigger_item, stages = excluded.stages, updated_at = now();
    GET DIAGNOSTICS n_up = ROW_COUNT;
    projection := 'pokepedia_evolution_chains'; upserted := n_up; deleted := n_del; RETURN NEXT;

    -- moves -----------------------------------------------------------------------------------------------
    DELETE FROM pokepedia_moves m USING pg_temp.pokepedia_todo t
     WHERE t.resource_type = 'move' AND m.id::text = t.resource_key
       AND NOT EXISTS (SELECT 1 FROM pokeapi_resources r WHERE r.resource_type = 'move'
                         AND r.resource_key = t.resource_key AND r.deleted_at IS NULL);
    GET DIAGNOSTICS n_del = ROW_COUNT;
    INSERT INTO pokepedia_moves AS m (id, name, type, damage_class, power, accuracy, pp, priority, effect_chance,
        generation, target, short_effect, updated_at)
    SELECT k::int, coalesce(d->>'name', k), d#>>'{type,name}', d#>>'{damage_class,name}',
           pokepedia_int(d->'power'), pokepedia_int(d->'accuracy'), pokepedia_int(d->'pp'), pokepedia_int(d->'priority'),
           pokepedia_int(d->'effect_chance'), pokepedia_url_id(d#>>'{generation,url}'), d#>>'{target,name}',
           (SELECT replace(e->>'short_effect', '$effect_chance', coalesce(d->>'effect_chance', ''))
              FROM jsonb_array_elements(pokepedia_array(d->'effect_entries')) e WHERE e#>>'{language,name}' = 'en' LIMIT 1),
           now()
      FROM (SELECT r.resource_key AS k, r.data - '{learned_by_pokemon,flavor_text_entries,machines,names,contest_combos,past_values}'::text[] AS d
              FROM pokeapi_resources r JOIN pg_temp.pokepedia_todo t
                ON t.resource_type = r.resource_type AND t.resource_key = r.resource_key
             WHERE r.resource_type = 'move' AND r.deleted_at IS NULL AND r.resource_key ~ '^-?[0-9]{1,9}$' OFFSET 0) src
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, damage_class = excluded.damage_class,
        power = excluded.power, accuracy = excluded.accuracy, pp = excluded.pp, priority = excluded.priority,
        effect_chance = excluded.effect_chance, generation = excluded.generation, target = excluded.target,
        short_effect = excluded.short_effect, updated_at = now();
    GET DIAGNOSTICS n_up = ROW_COUNT;
    projection := 'pokepedia_moves'; upserted := n_up; deleted := n_del; RETURN NEXT;

    -- types -----------------------------------------------------------------------------------------------
    DELETE FROM pokepedia_types ty USING pg_temp.pokepedia_todo t
     WHERE t.resource_type = 'type' AND ty.id::text = t.resource_key
       AND NOT EXISTS (SELECT 1 FROM pokeapi_resources r WHERE r.resource_type = 'type'
                         AND r.resource_key = t.resource_key AND r.deleted_at IS NULL);
    GET DIAGNOSTICS n_del = ROW_COUNT;
    INSERT INTO pokepedia_types AS ty (id, name, generation, move_damage_class, double_damage_to, half_damage_to,
        no_damage_to, double_damage_from, half_damage_from, no_damage_from, updated_at)
    SELECT k::int, coalesce(d->>'name', k), pokepedia_url_id(d#>>'{generation,url}'), d#>>'{move_damage_class,name}',
           pokepedia_names(d#>'{damage_relations,double_damage_to}'), pokepedia_names(d#>'{damage_relations,half_damage_to}'),
           pokepedia_names(d#>'{damage_relations,no_damage_to}'), pokepedia_names(d#>'{damage_relations,double_damage_from}'),
           pokepedia_names(d#>'{damage_relations,half_damage_from}'), pokepedia_names(d#>'{damage_relations,no_damage_from}'),
           now()
      FROM (SELECT r.resource_key AS k, r.data - '{pokemon,moves,sprites,names,game_indices,past_damage_relations}'::text[] AS d
              FROM pokeapi_resources r JOIN pg_temp.pokepedia_todo t
                ON t.resource_type = r.resource_type AND t.resource_key = r.resource_key
             WHERE r.resource_type = 'type' AND r.deleted_at IS NULL AND r.resource_key ~ '^-?[0-9]{1,9}$' OFFSET 0) src
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, generation = excluded.generation,
        move_damage_class = excluded.move_damage_class, double_damage_to = excluded.double_damage_to,
        half_damage_to = excluded.half_damage_to, no_damage_to = excluded.no_damage_to,
        double_damage_from = excluded.double_damage_from, half_damage_from = excluded.half_damage_from,
        no_damage_from = excluded.no_damage_from, updated_at = now();
    GET DIAGNOSTICS n_up = ROW_COUNT;
    projection := 'pokepedia_types'; upserted := n_up; deleted := n_del; RETURN NEXT;
END
$fn$;
