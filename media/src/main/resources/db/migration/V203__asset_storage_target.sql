-- Which storage the manifest's 'stored' rows describe (ObjectStore.describe(): a folder URL or an S3 endpoint).
-- why: the mirror skips an asset recorded as stored with the same SHA-256; pointed at another storage (a new folder,
-- a move to Supabase's S3) it would skip everything and leave the new storage empty. A run against a storage other
-- than this one checks each stored asset against it (as --verify-remote does) and moves this row only once that run
-- ended without failures, so an interrupted move is checked again by the next run.
CREATE TABLE pokepedia_asset_storage (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    target     text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
