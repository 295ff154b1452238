-- Found by bench/media-library.sh at 100,000 assets (GET /api/media p99 2.5 s): a text query sorted by date (or name,
-- or size) walks that sort's index and filters each row it passes by the search expression, which recomputed
-- to_tsvector over name, id, tags and context for every row, ~14 us a row (35 ms for a common word, hundreds of ms
-- for a rare combination; a bitmap recheck recomputed it too). Stored once per write, the filter is a comparison:
-- the same queries take 0.4-16 ms on a synthetic catalog of the same shape (EXPLAIN ANALYZE).
-- why STORED: PostgreSQL 15 has no virtual generated columns; the rewrite of an existing catalog takes seconds.
-- The column also gets planner statistics (most common words), which the expression index never gave the filter.
ALTER TABLE media_assets ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (media_search_document(display_name, public_id, tags, context)) STORED;

DROP INDEX media_assets_search_idx;
CREATE INDEX media_assets_search_idx ON media_assets USING gin (search_document);
