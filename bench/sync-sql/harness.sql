-- The in-database half of the sync push benchmark (bench/sync-sql.sh): the push bodies in a table, a reset, and a
-- procedure applying batches seq p_from..p_to one transaction each, as the server does (claims, role authenticated,
-- commit), printing the mean and median wall time. Updates and deletes carry base_version 0, so sync_apply runs
-- with p_force (same reads and writes; the conflict check is skipped).
DROP TABLE IF EXISTS bench_bodies; CREATE TABLE bench_bodies (usr text, seq int, ops jsonb);
\copy bench_bodies FROM :'bodies' CSV
GRANT SELECT ON bench_bodies TO authenticated;
CREATE OR REPLACE PROCEDURE bench_reset() LANGUAGE plpgsql AS $r$ DECLARE t text; BEGIN FOR t IN SELECT type FROM sync_entity_types LOOP EXECUTE format('TRUNCATE %I CASCADE', t); END LOOP; TRUNCATE sync_ops; END $r$;
CREATE OR REPLACE PROCEDURE bench_run(p_from int, p_to int) LANGUAGE plpgsql AS $$
DECLARE r record; t0 timestamptz; ms double precision[] := '{}'; res jsonb;
BEGIN
  FOR r IN SELECT * FROM bench_bodies WHERE seq BETWEEN p_from AND p_to ORDER BY seq, usr LOOP
    t0 := clock_timestamp();
    PERFORM set_config('request.jwt.claims', json_build_object('sub', r.usr)::text, true);
    SET LOCAL ROLE authenticated;
    res := sync_apply(r.usr, 'c-' || r.usr, r.ops, true);
    RESET ROLE;
    COMMIT;
    ms := ms || extract(epoch from clock_timestamp() - t0) * 1000;
  END LOOP;
  RAISE NOTICE 'batches % mean % ms p50 % ms', cardinality(ms), round((SELECT avg(x) FROM unnest(ms) x)::numeric, 2),
     round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2);
END $$;
