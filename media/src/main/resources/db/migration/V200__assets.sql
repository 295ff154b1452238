-- The media manifest: every sprite and cry URL any stored document references, and what we hold of it.
CREATE TABLE pokepedia_assets (
    id            bigserial PRIMARY KEY,
    bucket        text        NOT NULL,            -- pokedex-sprites | pokedex-cries
    path          text        NOT NULL,            -- repository layout, e.g. sprites/pokemon/25.png
    source_url    text        NOT NULL,            -- as the documents reference it
    asset_kind    text        NOT NULL CHECK (asset_kind IN ('sprite', 'cry')),
    resource_type text        NOT NULL,            -- the first document seen referencing it (all: pokepedia_asset_refs)
    resource_id   text        NOT NULL,
    content_type  text,
    bytes         bigint,
    sha256        text,                            -- hex SHA-256 of the stored object
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'missing', 'failed')),
    missing_from  text,                            -- the source that was asked and did not have it
    last_error    text,
    attempts      integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    stored_at     timestamptz,
    UNIQUE (bucket, path)
) WITH (fillfactor = 70);
-- why: no index on status. Every mirror run moves thousands of rows between statuses; with no indexed column
-- changing and free room on each page (fillfactor 70) those are HOT updates that touch no index. The engine reads
-- whole kinds at a time anyway, so a status index would not be used for its reads.

-- Every (document, asset) pair: several documents share one file (a form and its pokemon, shiny variants …).
CREATE TABLE pokepedia_asset_refs (
    resource_type text NOT NULL,
    resource_id   text NOT NULL,
    bucket        text NOT NULL,
    path          text NOT NULL,
    PRIMARY KEY (resource_type, resource_id, bucket, path)
);
CREATE INDEX pokepedia_asset_refs_object_idx ON pokepedia_asset_refs (bucket, path);

-- Which version (sha256) of each document the manifest was built from: only changed documents are rescanned.
CREATE TABLE pokepedia_asset_scans (
    resource_type text NOT NULL,
    resource_key  text NOT NULL,
    sha256        text NOT NULL,
    PRIMARY KEY (resource_type, resource_key)
);

CREATE FUNCTION pokepedia_refresh_asset_manifest()
    RETURNS TABLE (documents_scanned bigint, references_found bigint, assets_added bigint)
    LANGUAGE plpgsql
    SET jit = off -- why: row estimates over jsonb look huge; JIT compilation costs more than these queries
AS
$fn$
DECLARE
    n_docs bigint;
    n_refs bigint;
    n_new  bigint;
BEGIN
    IF to_regclass('pg_temp.pokepedia_scan_todo') IS NULL THEN
        CREATE TEMP TABLE pokepedia_scan_todo (resource_type text, resource_key text, sha256 text, gone boolean) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE pokepedia_scan_found (resource_type text, resource_key text, url text, bucket text, path text) ON COMMIT DELETE ROWS;
    END IF;
    TRUNCATE pg_temp.pokepedia_scan_todo, pg_temp.pokepedia_scan_found;

    INSERT INTO pg_temp.pokepedia_scan_todo
    SELECT r.resource_type, r.resource_key, r.sha256, r.deleted_at IS NOT NULL
      FROM pokeapi_resources r
      LEFT JOIN pokepedia_asset_scans s ON s.resource_type = r.resource_type AND s.resource_key = r.resource_key
     WHERE r.resource_type IN ('pokemon', 'pokemon-form', 'item', 'type')
       AND ((r.deleted_at IS NULL AND s.sha256 IS DISTINCT FROM r.sha256) OR (r.deleted_at IS NOT NULL AND s.sha256 IS NOT NULL));
    GET DIAGNOSTICS n_docs = ROW_COUNT;

    INSERT INTO pg_temp.pokepedia_scan_found
    SELECT DISTINCT t.resource_type, t.resource_key, u.url, pokepedia_media_bucket(u.url), u.path
      FROM pg_temp.pokepedia_scan_todo t
      JOIN pokeapi_resources r ON r.resource_type = t.resource_type AND r.resource_key = t.resource_key
     CROSS JOIN LATERAL (
           -- why: media URLs live under "sprites" (and a pokemon's "cries"); walking only those subtrees is ~10x
           -- cheaper than walking whole pokemon documents with their long move lists
           SELECT v #>> '{}' AS url, pokepedia_media_path(v #>> '{}') AS path
             FROM jsonb_path_query(jsonb_build_array(r.data -> 'sprites', r.data -> 'cries'),
                                   'strict $.** ? (@.type() == "string" && @ starts with "https://raw.githubusercontent.com/PokeAPI/")') v) u
     WHERE NOT t.gone AND u.path IS NOT NULL;
    GET DIAGNOSTICS n_refs = ROW_COUNT;

    DELETE FROM pokepedia_asset_refs a USING pg_temp.pokepedia_scan_todo t
     WHERE a.resource_type = t.resource_type AND a.resource_id = t.resource_key;
    INSERT INTO pokepedia_asset_refs (resource_type, resource_id, bucket, path)
    SELECT resource_type, resource_key, bucket, path FROM pg_temp.pokepedia_scan_found ON CONFLICT DO NOTHING;

    INSERT INTO pokepedia_assets (bucket, path, source_url, asset_kind, resource_type, resource_id)
    SELECT DISTINCT ON (bucket, path) bucket, path, url, CASE bucket WHEN 'pokedex-cries' THEN 'cry' ELSE 'sprite' END,
           resource_type, resource_key
      FROM pg_temp.pokepedia_scan_found
     ORDER BY bucket, path, resource_type, resource_key
    ON CONFLICT (bucket, path) DO NOTHING;
    GET DIAGNOSTICS n_new = ROW_COUNT;

    DELETE FROM pokepedia_asset_scans s USING pg_temp.pokepedia_scan_todo t
     WHERE t.gone AND s.resource_type = t.resource_type AND s.resource_key = t.resource_key;
    INSERT INTO pokepedia_asset_scans (resource_type, resource_key, sha256)
    SELECT resource_type, resource_key, sha256 FROM pg_temp.pokepedia_scan_todo WHERE NOT gone
    ON CONFLICT (resource_type, resource_key) DO UPDATE SET sha256 = excluded.sha256;

    documents_scanned := n_docs; references_found := n_refs; assets_added := n_new;
    RETURN NEXT;
END
$fn$;
