-- Faster pushes (issue 16: push p99 at 50 devices). Profiled with perf on a 50-op push: half of sync_apply's time
-- was parsing and planning its dynamic per-table statements again on every push (plpgsql never caches EXECUTE),
-- and a tenth was copying every written payload into one growing jsonb. Now:
--  * each entity type gets two functions with static SQL, sync_read_<type> and sync_write_<type>, made by
--    sync_define_type_functions (for the types that exist, and by sync_define_type for new ones), so a pooled session
--    plans them once; sync_apply calls them by name (a one-line SELECT is all that is parsed per push);
--  * sync_apply tracks written rows only for ids that occur more than once in the batch;
--  * the idempotency lookup probes the primary key once per op id.
-- Behaviour is unchanged (the same answers, errors and notifications).

-- Creates (or replaces) sync_read_<type>(user, ids) → {"<type>/<id>": {v, d, p, h}} of the user's rows, locked FOR
-- UPDATE, and sync_write_<type>(user, inserts, updates, tombstones) → {id: new version}, as sync_write does for
-- any type. SECURITY INVOKER: row-level security applies as it does to the caller.
CREATE FUNCTION sync_define_type_functions(p_type text) RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    v_read  text := 'sync_read_' || p_type;
    v_write text := 'sync_write_' || p_type;
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I(p_user text, p_ids text[]) RETURNS jsonb LANGUAGE plpgsql AS $b$
        BEGIN
            RETURN (SELECT coalesce(jsonb_object_agg(%3$L || s.id,
                           jsonb_build_object('v', s.version, 'd', s.deleted_at IS NOT NULL, 'p', s.payload, 'h', s.hlc)), '{}')
                      FROM (SELECT id, version, deleted_at, payload, hlc FROM %2$I
                             WHERE user_id = p_user AND id = ANY (p_ids) FOR UPDATE) s);
        END $b$ $f$, v_read, p_type, p_type || '/');
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I(p_user text, p_ins_ids text[], p_ins_payloads jsonb[], p_ins_hlcs text[],
                                        p_upd_ids text[], p_upd_payloads jsonb[], p_upd_hlcs text[],
                                        p_del_ids text[], p_del_hlcs text[]) RETURNS jsonb LANGUAGE plpgsql AS $b$
        DECLARE
            v_out jsonb := '{}';
        BEGIN
            IF cardinality(p_ins_ids) > 0 THEN
                -- why ON CONFLICT DO NOTHING: an id held by another user's row (invisible under RLS) is skipped and
                -- missing from the answer; the caller refuses the batch
                WITH i AS (INSERT INTO %2$I (id, user_id, version, payload, hlc)
                                              SELECT u.id, p_user, nextval('sync_version_seq'), u.p, u.h
                                                FROM unnest(p_ins_ids, p_ins_payloads, p_ins_hlcs) WITH ORDINALITY AS u(id, p, h, o)
                                               ORDER BY u.o
                                              ON CONFLICT (id) DO NOTHING RETURNING id, version)
                                   SELECT v_out || coalesce(jsonb_object_agg(i.id, i.version), '{}') INTO v_out FROM i;
            END IF;
            IF cardinality(p_upd_ids) > 0 THEN
                WITH w AS (UPDATE %2$I t SET payload = u.p, hlc = u.h, deleted_at = NULL, updated_at = now(),
                                                     version = nextval('sync_version_seq')
                                                FROM unnest(p_upd_ids, p_upd_payloads, p_upd_hlcs) AS u(id, p, h)
                                               WHERE t.id = u.id RETURNING t.id, t.version)
                                   SELECT v_out || coalesce(jsonb_object_agg(w.id, w.version), '{}') INTO v_out FROM w;
            END IF;
            IF cardinality(p_del_ids) > 0 THEN
                WITH w AS (UPDATE %2$I t SET payload = NULL, hlc = u.h, deleted_at = now(), updated_at = now(),
                                                     version = nextval('sync_version_seq')
                                                FROM unnest(p_del_ids, p_del_hlcs) AS u(id, h)
                                               WHERE t.id = u.id RETURNING t.id, t.version)
                                   SELECT v_out || coalesce(jsonb_object_agg(w.id, w.version), '{}') INTO v_out FROM w;
            END IF;
            RETURN v_out;
        END $b$ $f$, v_write, p_type);
    EXECUTE format('REVOKE ALL ON FUNCTION %I(text, text[]) FROM PUBLIC', v_read);
    EXECUTE format('REVOKE ALL ON FUNCTION %I(text, text[], jsonb[], text[], text[], jsonb[], text[], text[], text[]) FROM PUBLIC', v_write);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I(text, text[]) TO authenticated, service_role', v_read);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %I(text, text[], jsonb[], text[], text[], jsonb[], text[], text[], text[]) TO authenticated, service_role', v_write);
END $$;

SELECT sync_define_type_functions(type) FROM sync_entity_types;

-- sync_define_type keeps its signature (apps call it in their own migrations); it now also makes the type's functions.
ALTER FUNCTION sync_define_type(text, text[], integer, text, text, boolean) RENAME TO sync_define_type_table;
CREATE FUNCTION sync_define_type(p_type text, p_fields text[], p_rank integer, p_parent_type text DEFAULT NULL,
                                 p_parent_field text DEFAULT NULL, p_append_only boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM sync_define_type_table(p_type, p_fields, p_rank, p_parent_type, p_parent_field, p_append_only);
    PERFORM sync_define_type_functions(p_type);
END $$;

-- (as in V601) Applies operations for one user in one transaction: validation against the registry, idempotency by
-- (user, client, op_id) when p_client_id is given, conflicts by base_version unless p_force, upserts (parents first)
-- before deletes (children first), one NOTIFY pokepedia_sync. Returns {"results":[…], "counts":{type:{…}}}; results
-- are in the order of p_ops.
--
-- How: the stored rows of every (type, id) in the batch are read once per type (FOR UPDATE); each op is decided in
-- memory (validation, replay, conflict, insert / update / tombstone / no-op); decisions of one run of the same type
-- and kind are written together by sync_write. An op on an id with a write still pending writes the run first, so
-- several ops on one row in a batch behave as if applied one by one.
CREATE OR REPLACE FUNCTION sync_apply(p_user text, p_client_id text, p_ops jsonb, p_force boolean) RETURNS jsonb
    LANGUAGE plpgsql
AS $$
DECLARE
    v_types    jsonb;
    v_seen     jsonb := '{}';
    v_op_ids   bigint[];
    v_stored   jsonb := '{}';
    v_changed  jsonb := '{}';
    v_op       jsonb;
    v_idx      integer;
    v_t        jsonb;
    v_type     text;
    v_id       text;
    v_kind     text;
    v_base     bigint;
    v_payload  jsonb;
    v_hlc      text;
    v_op_id    bigint;
    v_hash     text;
    v_where    text;
    v_unknown  text;
    v_extra    jsonb;
    v_multi    text[];
    v_pos      integer;
    v_key      text;
    s          jsonb;
    s_version  bigint;
    s_deleted  boolean;
    s_payload  jsonb;
    v_result   jsonb;
    v_results  jsonb[] := '{}';
    v_wheres   text[] := '{}';
    v_counts   jsonb := '{}';
    v_new_ids  bigint[] := '{}';
    v_new_hash text[] := '{}';
    v_new_pos  integer[] := '{}';
    v_copy_dst integer[] := '{}';
    v_copy_src integer[] := '{}';
    w_type     text;
    w_kind     text;
    w_pending  jsonb := '{}';
    w_ins_ids  text[] := '{}';
    w_ins_p    jsonb[] := '{}';
    w_ins_h    text[] := '{}';
    w_ins_pos  integer[] := '{}';
    w_upd_ids  text[] := '{}';
    w_upd_p    jsonb[] := '{}';
    w_upd_h    text[] := '{}';
    w_upd_pos  integer[] := '{}';
    w_del_ids  text[] := '{}';
    w_del_h    text[] := '{}';
    w_del_pos  integer[] := '{}';
    w_versions jsonb;
    v_wrote    boolean := false;
    v_fields   text[];
    v_fields_type text;
    i          integer;
    r          record;
BEGIN
    IF p_user IS NULL OR p_user = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'SY401', MESSAGE = 'no user: request.jwt.claims carries no "sub"';
    END IF;
    IF jsonb_typeof(p_ops) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = 'ops must be a JSON array of operations';
    END IF;
    -- why: one writer per user at a time, so a user's versions commit in sequence order and a pull cursor never
    -- skips a version that commits later
    PERFORM pg_advisory_xact_lock(hashtextextended('pokepedia_sync:' || p_user, 0));
    SELECT jsonb_object_agg(type, jsonb_build_object('fields', to_jsonb(fields), 'rank', rank, 'append_only', append_only))
      INTO v_types FROM sync_entity_types;
    IF p_client_id IS NOT NULL THEN
        -- why an array: as a subquery the generic plan walked every earlier op of this client and re-read the batch
        -- for each (it estimated one row), so a push got slower with each one before it (20-80 ms after a few
        -- thousand ops); with the ids in hand it is one probe of the primary key per op
        v_op_ids := ARRAY(SELECT DISTINCT (e ->> 'op_id')::bigint FROM jsonb_array_elements(p_ops) e
                           WHERE jsonb_typeof(e) = 'object' AND e ->> 'op_id' ~ '^[0-9]{1,18}$');
        -- why a lateral probe per id: with "op_id = ANY (…)" the cached generic plan (made while the table was
        -- small) filtered every earlier op of the client after an index scan on (user, client): 5 ms and growing
        -- per push after a few thousand ops (auto_explain, session 8)
        SELECT coalesce(jsonb_object_agg(o.op_id::text, jsonb_build_object('h', o.payload_hash, 'r', o.result)), '{}')
          INTO v_seen
          FROM unnest(v_op_ids) AS q(op_id)
          CROSS JOIN LATERAL (SELECT s.op_id, s.payload_hash, s.result FROM sync_ops s
                               WHERE s.user_id = p_user AND s.client_id = p_client_id AND s.op_id = q.op_id
                               OFFSET 0) o; -- why OFFSET 0: not flattened into a hash join over all the client's ops
    END IF;
    -- why per-type functions: their SQL is static, so a pooled session plans it once instead of every push
    FOR r IN SELECT e ->> 'type' AS type, array_agg(DISTINCT e ->> 'id') AS ids FROM jsonb_array_elements(p_ops) e
              WHERE jsonb_typeof(e) = 'object' AND v_types ? (e ->> 'type') GROUP BY 1 LOOP
        EXECUTE format('SELECT %I($1, $2)', 'sync_read_' || r.type) INTO v_extra USING p_user, r.ids;
        v_stored := v_stored || v_extra;
    END LOOP;
    -- why: only an id that occurs more than once in the batch is looked up again after its write, so only those are
    -- tracked (copying every written payload into a growing jsonb made a push quadratic in its size)
    v_multi := ARRAY(SELECT (e ->> 'type') || '/' || (e ->> 'id') FROM jsonb_array_elements(p_ops) e
                      WHERE jsonb_typeof(e) = 'object' GROUP BY 1 HAVING count(*) > 1);

    -- the ops in application order, then a sentinel (NULL) that writes the last run
    FOR v_op, v_idx IN
        SELECT o.value, o.ord FROM (
            SELECT e.value, e.ord::integer AS ord,
                   (CASE WHEN jsonb_typeof(e.value) = 'object' THEN e.value ->> 'kind' END = 'delete') AS is_delete,
                   CASE WHEN jsonb_typeof(e.value) <> 'object' THEN 0
                        WHEN e.value ->> 'kind' = 'delete' THEN -coalesce((v_types -> (e.value ->> 'type') ->> 'rank')::integer, 0)
                        ELSE coalesce((v_types -> (e.value ->> 'type') ->> 'rank')::integer, 0) END AS rank,
                   CASE WHEN jsonb_typeof(e.value) = 'object' THEN e.value ->> 'type' END AS type,
                   0 AS last
              FROM jsonb_array_elements(p_ops) WITH ORDINALITY e(value, ord)
            UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, 1) o
         ORDER BY o.last, o.is_delete NULLS FIRST, o.rank, o.type, o.ord
    LOOP
        v_result := NULL;
        IF v_op IS NOT NULL THEN
            v_where := format('ops[%s]', v_idx - 1);
            IF jsonb_typeof(v_op) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || ' must be a JSON object';
            END IF;
            IF jsonb_typeof(v_op -> 'type') IS DISTINCT FROM 'string' THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || '.type is missing (the name of an entity type)';
            END IF;
            v_type := v_op ->> 'type';
            v_t := v_types -> v_type;
            IF v_t IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = format('%s.type: unknown entity type "%s"; known types: %s',
                    v_where, left(v_type, 100), (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(v_types) k));
            END IF;
            IF jsonb_typeof(v_op -> 'id') IS DISTINCT FROM 'string' OR length(v_op ->> 'id') NOT BETWEEN 1 AND 200 THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || '.id must be a string of 1 to 200 characters';
            END IF;
            v_id := v_op ->> 'id';
            v_where := format('ops[%s] (%s %s)', v_idx - 1, v_type, v_id);
            v_kind := v_op ->> 'kind';
            IF v_kind IS NULL OR v_kind NOT IN ('upsert', 'delete') THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || ': kind must be "upsert" or "delete"';
            END IF;
            IF p_client_id IS NOT NULL THEN
                IF jsonb_typeof(v_op -> 'op_id') IS DISTINCT FROM 'number' OR v_op ->> 'op_id' !~ '^[0-9]{1,18}$' THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || ': op_id must be a non-negative integer';
                END IF;
                v_op_id := (v_op ->> 'op_id')::bigint;
            ELSE
                v_op_id := NULL;
            END IF;
            IF p_force THEN
                v_base := NULL;
            ELSIF jsonb_typeof(v_op -> 'base_version') IS DISTINCT FROM 'number' OR v_op ->> 'base_version' !~ '^[0-9]{1,18}$' THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || ': base_version must be a non-negative integer (0 = created locally)';
            ELSE
                v_base := (v_op ->> 'base_version')::bigint;
            END IF;
            IF jsonb_typeof(v_op -> 'hlc') NOT IN ('string', 'null') OR length(v_op ->> 'hlc') > 200 THEN
                RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || ': hlc must be a string (at most 200 characters)';
            END IF;
            v_hlc := v_op ->> 'hlc';
            IF v_kind = 'upsert' THEN
                IF jsonb_typeof(v_op -> 'payload') IS DISTINCT FROM 'object' THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = v_where || ': an upsert needs a payload object';
                END IF;
                -- why: the owner is the token's user, never what a payload claims
                v_payload := (v_op -> 'payload') - 'user_id';
                IF v_payload ? 'id' AND v_payload -> 'id' IS DISTINCT FROM to_jsonb(v_id) THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = format('%s: payload.id %s differs from the operation''s id',
                        v_where, left((v_payload -> 'id')::text, 100));
                END IF;
                v_payload := v_payload || jsonb_build_object('id', v_id);
                -- why a subtraction: an expression, not a query per op; the query runs only to word the error
                IF v_fields_type IS DISTINCT FROM v_type THEN -- why: ops come sorted by type; convert once per type
                    v_fields := ARRAY(SELECT jsonb_array_elements_text(v_t -> 'fields'));
                    v_fields_type := v_type;
                END IF;
                IF ((v_payload - 'id') - v_fields) <> '{}'::jsonb THEN
                    SELECT string_agg(format('"%s"', left(k, 100)), ', ' ORDER BY k) INTO v_unknown
                      FROM jsonb_object_keys(v_payload) k WHERE k <> 'id' AND NOT ((v_t -> 'fields') ? k);
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = format('%s: unknown field(s) %s; %s allows: id, %s',
                        v_where, v_unknown, v_type, (SELECT string_agg(f, ', ') FROM jsonb_array_elements_text(v_t -> 'fields') f));
                END IF;
            ELSE
                v_payload := NULL;
                IF (v_t ->> 'append_only')::boolean THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = format('%s: %s is append-only; its rows cannot be deleted', v_where, v_type);
                END IF;
            END IF;
            v_wheres[v_idx] := v_where;

            -- idempotency: a replayed op answers what it answered the first time
            IF v_op_id IS NOT NULL THEN
                v_hash := md5(jsonb_build_array(v_type, v_id, v_kind, v_base, v_payload)::text);
                IF v_seen ? v_op_id::text THEN
                    IF v_seen -> v_op_id::text ->> 'h' <> v_hash THEN
                        RAISE EXCEPTION USING ERRCODE = 'SY409', MESSAGE = format(
                            '%s: op_id %s of client %s was already used for a different operation', v_where, v_op_id, p_client_id);
                    END IF;
                    v_result := v_seen -> v_op_id::text -> 'r';
                ELSE
                    v_pos := array_position(v_new_ids, v_op_id);
                    IF v_pos IS NOT NULL THEN
                        IF v_new_hash[v_pos] <> v_hash THEN
                            RAISE EXCEPTION USING ERRCODE = 'SY409', MESSAGE = format(
                                '%s: op_id %s appears twice in this batch with different operations', v_where, v_op_id);
                        END IF;
                        v_copy_dst := v_copy_dst || v_idx;
                        v_copy_src := v_copy_src || v_new_pos[v_pos];
                        v_result := v_results[v_new_pos[v_pos]]; -- its version is filled in at the end
                    END IF;
                END IF;
            END IF;
        END IF;

        -- write the pending run when this op starts another one, touches a pending row, or the ops are done
        IF v_op IS NULL OR (v_result IS NULL AND (w_type IS DISTINCT FROM v_type OR w_kind IS DISTINCT FROM v_kind OR w_pending ? v_id)) THEN
            IF cardinality(w_ins_ids) + cardinality(w_upd_ids) + cardinality(w_del_ids) > 0 THEN
                EXECUTE format('SELECT %I($1, $2, $3, $4, $5, $6, $7, $8, $9)', 'sync_write_' || w_type) INTO w_versions
                    USING p_user, w_ins_ids, w_ins_p, w_ins_h, w_upd_ids, w_upd_p, w_upd_h, w_del_ids, w_del_h;
                v_wrote := true;
                FOR i IN 1 .. cardinality(w_ins_ids) LOOP
                    IF NOT w_versions ? w_ins_ids[i] THEN
                        RAISE EXCEPTION USING ERRCODE = 'SY403', MESSAGE = format('%s: %s %s belongs to another user',
                            v_wheres[w_ins_pos[i]], w_type, w_ins_ids[i]);
                    END IF;
                    v_results[w_ins_pos[i]] := v_results[w_ins_pos[i]] || jsonb_build_object('version', (w_versions ->> w_ins_ids[i])::bigint);
                    CONTINUE WHEN NOT (w_type || '/' || w_ins_ids[i]) = ANY (v_multi);
                    v_changed := v_changed || jsonb_build_object(w_type || '/' || w_ins_ids[i],
                        jsonb_build_object('v', (w_versions ->> w_ins_ids[i])::bigint, 'd', false, 'p', w_ins_p[i], 'h', w_ins_h[i]));
                END LOOP;
                FOR i IN 1 .. cardinality(w_upd_ids) LOOP
                    v_results[w_upd_pos[i]] := v_results[w_upd_pos[i]] || jsonb_build_object('version', (w_versions ->> w_upd_ids[i])::bigint);
                    CONTINUE WHEN NOT (w_type || '/' || w_upd_ids[i]) = ANY (v_multi);
                    v_changed := v_changed || jsonb_build_object(w_type || '/' || w_upd_ids[i],
                        jsonb_build_object('v', (w_versions ->> w_upd_ids[i])::bigint, 'd', false, 'p', w_upd_p[i], 'h', w_upd_h[i]));
                END LOOP;
                FOR i IN 1 .. cardinality(w_del_ids) LOOP
                    v_results[w_del_pos[i]] := v_results[w_del_pos[i]] || jsonb_build_object('version', (w_versions ->> w_del_ids[i])::bigint);
                    CONTINUE WHEN NOT (w_type || '/' || w_del_ids[i]) = ANY (v_multi);
                    v_changed := v_changed || jsonb_build_object(w_type || '/' || w_del_ids[i],
                        jsonb_build_object('v', (w_versions ->> w_del_ids[i])::bigint, 'd', true, 'p', NULL, 'h', w_del_h[i]));
                END LOOP;
            END IF;
            w_type := v_type;
            w_kind := v_kind;
            w_pending := '{}';
            w_ins_ids := '{}'; w_ins_p := '{}'; w_ins_h := '{}'; w_ins_pos := '{}';
            w_upd_ids := '{}'; w_upd_p := '{}'; w_upd_h := '{}'; w_upd_pos := '{}';
            w_del_ids := '{}'; w_del_h := '{}'; w_del_pos := '{}';
        END IF;
        EXIT WHEN v_op IS NULL;

        IF v_result IS NULL THEN
            s := coalesce(v_changed -> (v_type || '/' || v_id), v_stored -> (v_type || '/' || v_id));
            s_version := (s ->> 'v')::bigint;
            s_deleted := (s ->> 'd')::boolean;
            s_payload := s -> 'p';
            -- why: a row we cannot see may be another user's; an insert finds out by its ON CONFLICT, the rest ask
            IF s IS NULL AND (v_kind = 'delete' OR coalesce(v_base, 0) <> 0) AND sync_row_taken(v_type, v_id) THEN
                RAISE EXCEPTION USING ERRCODE = 'SY403', MESSAGE = format('%s: %s %s belongs to another user', v_where, v_type, v_id);
            END IF;
            v_result := jsonb_build_object('op_id', v_op_id, 'type', v_type, 'id', v_id, 'status', 'applied');
            IF NOT p_force AND coalesce(s_version, 0) <> v_base
               AND NOT (v_base = 0 AND v_kind = 'upsert' AND s IS NOT NULL AND NOT s_deleted AND s_payload = v_payload) THEN
                v_result := jsonb_build_object('op_id', v_op_id, 'type', v_type, 'id', v_id, 'status', 'conflict',
                    'server', jsonb_build_object('version', coalesce(s_version, 0), 'deleted', coalesce(s_deleted, true),
                                                 'payload', CASE WHEN s_payload = 'null'::jsonb THEN NULL ELSE s_payload END,
                                                 'hlc', s ->> 'h'));
            ELSIF v_kind = 'upsert' THEN
                IF s IS NULL THEN
                    w_ins_ids := w_ins_ids || v_id; w_ins_p := w_ins_p || v_payload; w_ins_h := w_ins_h || v_hlc; w_ins_pos := w_ins_pos || v_idx;
                    IF (v_type || '/' || v_id) = ANY (v_multi) THEN w_pending := w_pending || jsonb_build_object(v_id, true); END IF;
                ELSIF s_payload = v_payload AND NOT s_deleted THEN
                    v_result := v_result || jsonb_build_object('version', s_version); -- why: same content needs no new version
                ELSIF (v_t ->> 'append_only')::boolean THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = format('%s: %s is append-only; its rows cannot be changed', v_where, v_type);
                ELSE
                    w_upd_ids := w_upd_ids || v_id; w_upd_p := w_upd_p || v_payload; w_upd_h := w_upd_h || v_hlc; w_upd_pos := w_upd_pos || v_idx;
                    IF (v_type || '/' || v_id) = ANY (v_multi) THEN w_pending := w_pending || jsonb_build_object(v_id, true); END IF;
                END IF;
            ELSE
                IF s IS NULL THEN
                    v_result := v_result || jsonb_build_object('version', 0); -- nothing to delete
                ELSIF s_deleted THEN
                    v_result := v_result || jsonb_build_object('version', s_version);
                ELSE
                    w_del_ids := w_del_ids || v_id; w_del_h := w_del_h || v_hlc; w_del_pos := w_del_pos || v_idx;
                    IF (v_type || '/' || v_id) = ANY (v_multi) THEN w_pending := w_pending || jsonb_build_object(v_id, true); END IF;
                END IF;
            END IF;
            IF v_op_id IS NOT NULL THEN
                v_new_ids := v_new_ids || v_op_id;
                v_new_hash := v_new_hash || v_hash;
                v_new_pos := v_new_pos || v_idx;
            END IF;
        END IF;

        v_results[v_idx] := v_result;
        v_key := CASE WHEN v_result ->> 'status' = 'conflict' THEN 'conflicts' WHEN v_kind = 'delete' THEN 'deleted' ELSE 'upserted' END;
        v_counts := jsonb_set(v_counts, ARRAY[v_type],
            coalesce(v_counts -> v_type, '{"upserted":0,"deleted":0,"conflicts":0}')
              || jsonb_build_object(v_key, coalesce((v_counts -> v_type ->> v_key)::integer, 0) + 1));
    END LOOP;

    FOR i IN 1 .. cardinality(v_copy_dst) LOOP
        v_results[v_copy_dst[i]] := v_results[v_copy_src[i]];
    END LOOP;
    IF cardinality(v_new_ids) > 0 THEN
        INSERT INTO sync_ops (user_id, client_id, op_id, payload_hash, result)
        SELECT p_user, p_client_id, u.o, u.h, v_results[u.p] FROM unnest(v_new_ids, v_new_hash, v_new_pos) AS u(o, h, p);
    END IF;
    IF v_wrote THEN
        -- why currval: the last version this transaction drew, including children tombstoned by a cascade
        PERFORM pg_notify('pokepedia_sync', jsonb_build_object('user', p_user, 'version', currval('sync_version_seq'))::text);
    END IF;
    RETURN jsonb_build_object('results', coalesce(to_jsonb(v_results), '[]'), 'counts', v_counts);
END $$;
-- sync_write is no longer called; it stays for apps that call it directly.
