-- why: a bulk run moves almost every row of a kind at once (50k of the 54k sprite rows become 'missing' when the
-- source is the npm package). With 30 % of each page free only a third of those updates could stay on their page;
-- the rest were non-HOT and inserted into every index (3 WAL records and ~0.4 s per 50k rows). Half a page free holds
-- a new version of every row, so the whole settle is HOT: one WAL record per row, about half the time. Pages written
-- before this migration keep their old layout until they are rewritten (VACUUM FULL or CLUSTER).
ALTER TABLE pokepedia_assets SET (fillfactor = 50);
