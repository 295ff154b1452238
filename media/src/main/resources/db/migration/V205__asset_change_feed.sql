-- The asset manifest joins the change feed (corpus V105, channel 'pokepedia_changes'):
--   a = asset rows whose serving-relevant state changed (added, removed, stored or not, source URL): Pokédex rows
--       link to a stored asset or to its source URL;
--   d = documents that reference an asset whose "stored" state changed, or whose references to stored assets
--       changed: a rendered document links its stored media to this mirror.

CREATE FUNCTION pokepedia_feed_assets_rows() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    PERFORM pokepedia_feed_add('a', (SELECT array_agg(bucket || '/' || path) FROM changed));
    PERFORM pokepedia_feed_add('d', (SELECT array_agg(DISTINCT f.resource_type || '/' || f.resource_id)
                                       FROM changed c JOIN pokepedia_asset_refs f ON f.bucket = c.bucket AND f.path = c.path
                                      WHERE c.status = 'stored'));
    RETURN NULL;
END
$fn$;

CREATE FUNCTION pokepedia_feed_assets_update() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    -- why: a bulk run updates attempts, errors and stamps of thousands of rows; only these change what is served
    PERFORM pokepedia_feed_add('a', (SELECT array_agg(n.bucket || '/' || n.path)
                                       FROM after_rows n JOIN before_rows o USING (id)
                                      WHERE n.status IS DISTINCT FROM o.status OR n.source_url IS DISTINCT FROM o.source_url
                                         OR n.path IS DISTINCT FROM o.path OR n.bucket IS DISTINCT FROM o.bucket
                                         OR n.sha256 IS DISTINCT FROM o.sha256));
    PERFORM pokepedia_feed_add('d', (SELECT array_agg(DISTINCT f.resource_type || '/' || f.resource_id)
                                       FROM after_rows n JOIN before_rows o USING (id)
                                       JOIN pokepedia_asset_refs f ON (f.bucket = n.bucket AND f.path = n.path)
                                                                   OR (f.bucket = o.bucket AND f.path = o.path)
                                      WHERE (n.status = 'stored') <> (o.status = 'stored')
                                         OR ((n.bucket, n.path) IS DISTINCT FROM (o.bucket, o.path) AND 'stored' IN (n.status, o.status))));
    RETURN NULL;
END
$fn$;

CREATE FUNCTION pokepedia_feed_asset_refs_rows() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    PERFORM pokepedia_feed_add('d', (SELECT array_agg(DISTINCT c.resource_type || '/' || c.resource_id)
                                       FROM changed c JOIN pokepedia_assets a ON a.bucket = c.bucket AND a.path = c.path
                                      WHERE a.status = 'stored'));
    RETURN NULL;
END
$fn$;

CREATE TRIGGER pokepedia_feed_insert AFTER INSERT ON pokepedia_assets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_assets_rows();
CREATE TRIGGER pokepedia_feed_delete AFTER DELETE ON pokepedia_assets
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_assets_rows();
CREATE TRIGGER pokepedia_feed_update AFTER UPDATE ON pokepedia_assets
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_assets_update();
CREATE TRIGGER pokepedia_feed_truncate AFTER TRUNCATE ON pokepedia_assets
    FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_truncated('a', 'd');

CREATE TRIGGER pokepedia_feed_insert AFTER INSERT ON pokepedia_asset_refs
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_asset_refs_rows();
CREATE TRIGGER pokepedia_feed_delete AFTER DELETE ON pokepedia_asset_refs
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_asset_refs_rows();
CREATE TRIGGER pokepedia_feed_truncate AFTER TRUNCATE ON pokepedia_asset_refs
    FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_truncated('d');
