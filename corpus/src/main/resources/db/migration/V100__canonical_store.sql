-- Canonical store: one row per PokeAPI document, exactly as upstream serves it (minified, keys sorted).
CREATE TABLE pokeapi_resources (
    resource_type  text        NOT NULL,  -- endpoint, e.g. 'pokemon'; 'pokemon-encounters' for pokemon/<id>/encounters; 'meta'
    resource_key   text        NOT NULL,  -- id as text, e.g. '25', '-1'; 'meta' for the singleton
    name           text,
    data           jsonb       NOT NULL,
    sha256         text        NOT NULL,  -- hex SHA-256 of the canonical JSON text
    source         text        NOT NULL,  -- where this version came from (archive, folder, URL)
    etag           text,                  -- upstream ETag, for the crawler
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz,           -- tombstone: gone upstream
    PRIMARY KEY (resource_type, resource_key)
);
-- why: big documents (pokemon ≈ 100–300 kB) live in TOAST; lz4 (de)compresses several times faster than pglz.
DO $$
BEGIN
    ALTER TABLE pokeapi_resources ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'lz4 TOAST compression unavailable on this server (%); keeping the default', SQLERRM;
END $$;

CREATE INDEX pokeapi_resources_name_idx ON pokeapi_resources (resource_type, name) WHERE name IS NOT NULL;

-- Documents whose projections must be rebuilt. Written in the same transaction as the document, consumed by
-- pokepedia_refresh_projections(): a checkpoint that survives kill -9 between load and projection.
CREATE TABLE pokepedia_projection_pending (
    resource_type text NOT NULL,
    resource_key  text NOT NULL,
    PRIMARY KEY (resource_type, resource_key)
);

-- What the source says each endpoint holds (its list document's count): verify and the dashboard compare to it.
CREATE TABLE pokepedia_endpoints (
    endpoint       text PRIMARY KEY,
    upstream_count integer     NOT NULL,
    source         text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Every import/crawl run with its change report.
CREATE TABLE pokepedia_import_runs (
    id          bigserial PRIMARY KEY,
    source      text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'partial')),
    dry_run     boolean     NOT NULL DEFAULT false,
    report      jsonb,
    error       text
);

-- Numeric id at the end of a PokeAPI reference URL ('/api/v2/type/13/' -> 13).
CREATE FUNCTION pokepedia_url_id(url text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (substring(url FROM '/(-?[0-9]{1,9})/?$'))::integer $$;

-- The one mapping from an upstream media URL to where we keep it, with the repository layout kept:
--   https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/25.png -> pokedex-sprites / sprites/pokemon/25.png
--   https://raw.githubusercontent.com/PokeAPI/cries/main/cries/pokemon/latest/25.ogg -> pokedex-cries / cries/pokemon/latest/25.ogg
-- Anything else (other hosts, '.'/'..' or hidden segments, odd characters) has a NULL path; the bucket follows the
-- repository alone and is only meaningful where the path is not NULL.
-- why: plain one-expression SQL functions get inlined by the planner; projections call this thousands of times.
CREATE FUNCTION pokepedia_media_path(url text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN url ~ '^https?://raw\.githubusercontent\.com/PokeAPI/(sprites|cries)/[^/]+/[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$'
               -- why: a match test without capture groups runs as a DFA, ~3x faster than regexp_match; the split
               -- then drops scheme, host, owner, repository and branch
               THEN array_to_string((string_to_array(url, '/'))[7:], '/') END $$;

CREATE FUNCTION pokepedia_media_bucket(url text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN starts_with(url, 'https://raw.githubusercontent.com/PokeAPI/sprites/') THEN 'pokedex-sprites'
               WHEN starts_with(url, 'https://raw.githubusercontent.com/PokeAPI/cries/') THEN 'pokedex-cries' END $$;
