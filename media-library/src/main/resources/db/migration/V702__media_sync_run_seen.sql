-- What a reconcile run has seen in the provider's listing, kept beside the run instead of stamped on every catalog row
-- (media_assets.last_seen_run): a run over an unchanged library then writes nothing to the catalog, only these narrow
-- rows, one statement per listed page, committed with the page (so a resumed run still knows what it saw). The rows
-- of a run go when it completes (after tombstoning the unseen) or is superseded.
CREATE TABLE media_sync_run_seen (
    run_id        bigint NOT NULL REFERENCES media_sync_runs (id) ON DELETE CASCADE,
    resource_type text   NOT NULL,
    public_id     text   NOT NULL,
    PRIMARY KEY (run_id, resource_type, public_id)
);
-- why no grants: only the reconciler (the owner, or service_role) uses it; RLS without policies keeps others out
ALTER TABLE media_sync_run_seen ENABLE ROW LEVEL SECURITY;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        GRANT SELECT, INSERT, DELETE ON media_sync_run_seen TO service_role;
    END IF;
END $$;

-- why drop: nothing reads the per-row stamp any more (the seen set above replaced it)
ALTER TABLE media_assets DROP COLUMN last_seen_run;
