-- What the source file looked like (size, modification and change times, device and inode) when the stored SHA-256
-- was computed from it. A folder source whose file still shows the same stamp holds the same bytes, so a rerun need
-- not read and hash it again (as git's index and rsync's quick check do). NULL: unknown (archive or HTTP source, or a
-- file changed too recently to vouch for), so the file is read.
ALTER TABLE pokepedia_assets ADD COLUMN source_stamp text;

-- Paths a folder source must refuse by name (absolute, or with a dot segment): a bulk run fetches them beside the
-- listed paths, which it looks up in the (bucket, path) index. Usually empty, so this index keeps that part from
-- reading every row of a kind. The predicate is AssetManifest.ODD_PATH's, word for word, so the planner can use it.
CREATE INDEX pokepedia_assets_odd_path_idx ON pokepedia_assets (asset_kind) WHERE path LIKE '/%' OR path LIKE '.%' OR path LIKE '%/.%';
