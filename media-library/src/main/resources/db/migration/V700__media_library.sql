-- The media library catalog (issue 17): a team's Cloudinary (or S3 bucket) assets mirrored into Postgres, kept in
-- step by signed webhooks and by reconciliation. The Java API is dev.pokepedia.medialibrary; other modules use it,
-- never these tables.

-- One row per asset of a provider. Columns named provider_* come from the provider and are overwritten by webhooks
-- and reconciliation; everything about how the catalog uses an asset (usage, collections) lives in other tables.
CREATE TABLE media_assets (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider            text        NOT NULL CHECK (provider IN ('cloudinary', 's3')),
    cloud               text        NOT NULL, -- Cloudinary cloud name or S3 bucket
    public_id           text        NOT NULL CHECK (length(public_id) BETWEEN 1 AND 1024),
    resource_type       text        NOT NULL DEFAULT 'image' CHECK (resource_type IN ('image', 'video', 'raw')),
    format              text,
    bytes               bigint      CHECK (bytes >= 0),
    width               integer,
    height              integer,
    duration            double precision,
    folder              text        NOT NULL DEFAULT '',
    display_name        text,
    tags                text[]      NOT NULL DEFAULT '{}',
    context             jsonb       NOT NULL DEFAULT '{}',
    metadata            jsonb       NOT NULL DEFAULT '{}',
    secure_url          text,
    provider_version    bigint, -- Cloudinary's version (epoch seconds of the last upload); S3: last-modified ms
    etag                text,
    -- why: tags, context and display name change without a new version or etag; the reconcile diff compares this
    -- SHA-256 of every provider field instead
    state_hash          text,
    provider_created_at timestamptz NOT NULL DEFAULT now(), -- when unknown: when the catalog first saw it
    provider_updated_at timestamptz,
    -- why: a change that carries no version (tags, context, display name) is ordered by the time it happened
    last_event_at       timestamptz,
    sync_status         text        NOT NULL DEFAULT 'synced'
                                    CHECK (sync_status IN ('synced', 'pending', 'error', 'deleted')),
    last_error          text,
    last_synced_at      timestamptz,
    last_seen_run       bigint, -- the reconcile run that last saw it in the provider's listing
    deleted_at          timestamptz, -- tombstone: gone from the provider; the row keeps its usage and history
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT media_assets_identity UNIQUE (provider, cloud, resource_type, public_id),
    CONSTRAINT media_assets_tombstone CHECK ((deleted_at IS NULL) = (sync_status <> 'deleted'))
);

-- The text the search route matches: display name, public id, tags and context values.
-- why a function: to_tsvector over array_to_string / jsonb is not accepted in an index expression unless the whole
-- expression is declared immutable; with the 'simple' configuration it is.
CREATE FUNCTION media_search_document(display_name text, public_id text, tags text[], context jsonb)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple'::regconfig,
        coalesce(display_name, '') || ' ' || regexp_replace(public_id, '[/_.-]', ' ', 'g') || ' ' || public_id || ' '
        || coalesce(array_to_string(tags, ' '), '') || ' '
        || coalesce((SELECT string_agg(value, ' ') FROM jsonb_each_text(context)), ''))
$$;

CREATE INDEX media_assets_folder_created_idx ON media_assets (folder, provider_created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX media_assets_created_idx ON media_assets (provider_created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX media_assets_tags_idx ON media_assets USING gin (tags);
CREATE INDEX media_assets_search_idx ON media_assets
    USING gin (media_search_document(display_name, public_id, tags, context));
CREATE INDEX media_assets_status_idx ON media_assets (sync_status) WHERE sync_status IN ('pending', 'error');

-- Every change applied in either direction, and every failure.
CREATE TABLE media_sync_log (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation          text        NOT NULL, -- upload, update, delete, rename, tags, context, metadata, display_name, reconcile, ...
    direction          text        NOT NULL CHECK (direction IN ('provider_to_catalog', 'catalog_to_provider')),
    provider           text        NOT NULL,
    cloud              text        NOT NULL,
    public_id          text,
    asset_id           bigint,
    status             text        NOT NULL CHECK (status IN ('success', 'error', 'skipped')),
    error              text,
    processing_time_ms integer,
    request_id         text, -- webhook notification id, reconcile run id, or API request id
    details            jsonb,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_sync_log_created_idx ON media_sync_log (created_at DESC);
CREATE INDEX media_sync_log_public_id_idx ON media_sync_log (provider, cloud, public_id, created_at DESC);
CREATE INDEX media_sync_log_errors_idx ON media_sync_log (created_at DESC) WHERE status = 'error';

-- Which app entity uses which asset: an asset in use is not deleted without force.
CREATE TABLE media_usage (
    asset_id    bigint      NOT NULL REFERENCES media_assets (id) ON DELETE CASCADE,
    entity_type text        NOT NULL,
    entity_id   text        NOT NULL,
    field       text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_id, entity_type, entity_id, field)
);
CREATE INDEX media_usage_entity_idx ON media_usage (entity_type, entity_id);

CREATE TABLE media_collections (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE media_collection_assets (
    collection_id bigint      NOT NULL REFERENCES media_collections (id) ON DELETE CASCADE,
    asset_id      bigint      NOT NULL REFERENCES media_assets (id) ON DELETE CASCADE,
    position      integer     NOT NULL DEFAULT 0,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, asset_id)
);
CREATE INDEX media_collection_assets_asset_idx ON media_collection_assets (asset_id);

-- Reconcile runs: the cursor of the provider's listing is stored after every applied page, so a run that crashed
-- or hit the rate limit resumes where it stopped and applies nothing twice.
CREATE TABLE media_sync_runs (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider    text        NOT NULL,
    cloud       text        NOT NULL,
    prefix      text        NOT NULL DEFAULT '',
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'interrupted', 'completed', 'failed')),
    cursor      text, -- the provider's cursor of the next page to list; null = from the start
    pages       integer     NOT NULL DEFAULT 0,
    seen        bigint      NOT NULL DEFAULT 0,
    added       bigint      NOT NULL DEFAULT 0,
    updated     bigint      NOT NULL DEFAULT 0,
    unchanged   bigint      NOT NULL DEFAULT 0,
    deleted     bigint      NOT NULL DEFAULT 0,
    errors      bigint      NOT NULL DEFAULT 0,
    last_error  text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
-- at most one unfinished run per scope: the one a rerun resumes
CREATE UNIQUE INDEX media_sync_runs_open_idx ON media_sync_runs (provider, cloud, prefix)
    WHERE status IN ('running', 'interrupted');

-- Counts and bytes by resource type, folder and status, plus sync health, as one JSON document.
CREATE FUNCTION get_media_statistics() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'total_assets', (SELECT count(*) FROM media_assets WHERE deleted_at IS NULL),
        'total_bytes', (SELECT coalesce(sum(bytes), 0) FROM media_assets WHERE deleted_at IS NULL),
        'by_type', (SELECT coalesce(jsonb_object_agg(resource_type, jsonb_build_object('count', n, 'bytes', b)), '{}')
                    FROM (SELECT resource_type, count(*) n, coalesce(sum(bytes), 0) b FROM media_assets
                          WHERE deleted_at IS NULL GROUP BY resource_type) t),
        'by_folder', (SELECT coalesce(jsonb_object_agg(folder, jsonb_build_object('count', n, 'bytes', b)), '{}')
                      FROM (SELECT folder, count(*) n, coalesce(sum(bytes), 0) b FROM media_assets
                            WHERE deleted_at IS NULL GROUP BY folder) t),
        'by_status', (SELECT coalesce(jsonb_object_agg(sync_status, n), '{}')
                      FROM (SELECT sync_status, count(*) n FROM media_assets GROUP BY sync_status) t),
        'sync_health', jsonb_build_object(
            'last_synced_at', (SELECT max(last_synced_at) FROM media_assets),
            'operations_24h', (SELECT count(*) FROM media_sync_log WHERE created_at > now() - interval '24 hours'),
            'errors_24h', (SELECT count(*) FROM media_sync_log
                           WHERE status = 'error' AND created_at > now() - interval '24 hours'),
            'last_run', (SELECT to_jsonb(r) - 'cursor' FROM media_sync_runs r ORDER BY id DESC LIMIT 1)))
$$;

-- Deletes sync log entries older than the retention; returns how many.
CREATE FUNCTION cleanup_old_sync_logs(retention interval DEFAULT interval '30 days') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    removed bigint;
BEGIN
    IF retention IS NULL OR retention < interval '0' THEN
        RAISE EXCEPTION 'cleanup_old_sync_logs: retention must be a non-negative interval, got %', retention;
    END IF;
    DELETE FROM media_sync_log WHERE created_at < now() - retention;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END
$$;

-- Row-level security as on Supabase: signed-in users read, the service role writes. The owner (this application's
-- own connection) is not subject to these policies.
-- why DO blocks: roles are cluster-wide, so another database on the same server (tests create many), or another
-- module's migration, may have created them already or may be creating them right now.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION
                WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently
                WHEN insufficient_privilege THEN
                    RAISE NOTICE 'role % does not exist and may not be created here; its policies are skipped', r;
            END;
        END IF;
    END LOOP;
END
$$;

DO $$
DECLARE
    t text;
    has_auth boolean := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated');
    has_service boolean := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role');
BEGIN
    FOREACH t IN ARRAY ARRAY['media_assets', 'media_sync_log', 'media_usage', 'media_collections',
                             'media_collection_assets', 'media_sync_runs'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        IF has_auth THEN
            EXECUTE format('GRANT SELECT ON %I TO authenticated', t);
            EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO authenticated USING (true)', t || '_read', t);
        END IF;
        IF has_service THEN
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO service_role', t);
            EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO service_role USING (true) WITH CHECK (true)',
                           t || '_write', t);
        END IF;
    END LOOP;
END
$$;
