-- Every committed change of the catalog is announced on channel media_catalog_changed, so a server that keeps the
-- catalog in memory for the list and search routes (MemoryKeeper) drops its copy at once instead of answering from
-- it after the change. why per statement and without a payload: the listener only needs "something changed", and
-- PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION media_assets_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('media_catalog_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER media_assets_notify_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON media_assets
    FOR EACH STATEMENT EXECUTE FUNCTION media_assets_notify_change();
