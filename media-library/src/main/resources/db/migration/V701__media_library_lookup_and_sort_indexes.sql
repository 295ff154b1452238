-- Found by bench/media-library.sh at 100,000 assets.
--
-- Lookups by public id without the resource type (every media_sync_log insert resolves its asset_id so; so do the
-- catalog's finds of a moved or deleted id): the identity index leads with resource_type after (provider, cloud), and
-- PostgreSQL 15 cannot skip over it, so each such lookup scanned every row of the provider (190 ms at 50,000 assets,
-- and a first reconcile slowed down with every page it added).
CREATE INDEX media_assets_public_id_idx ON media_assets (provider, cloud, public_id);

-- The list route's two sorts that had no index (GET /api/media?sort=name | bytes_desc): every such page sorted all
-- live rows. They match the ORDER BY of CatalogReader.list exactly, live rows only, as the route lists by default.
CREATE INDEX media_assets_name_idx ON media_assets ((coalesce(display_name, public_id)), id) WHERE deleted_at IS NULL;
CREATE INDEX media_assets_bytes_idx ON media_assets (bytes DESC NULLS LAST, id) WHERE deleted_at IS NULL;
