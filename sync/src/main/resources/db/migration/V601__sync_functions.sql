-- The push / pull / RPC functions. One implementation (sync_apply) behind every write path: the server's
-- POST /sync/v1/push (sync_push), and the Supabase-style RPCs bulk_sync_entities and save_game_with_relations.
-- All are SECURITY INVOKER: they run as the caller (role authenticated), so row-level security applies to everything
-- they touch. Error codes: SY400 bad input, SY401 no user, SY403 another user's row, SY409 op id reused with a
-- different operation, SY410 cursor older than the pruned tombstones.

-- Whether an id of a type is held by a row of another user (which the caller cannot see under RLS). Only a boolean
-- leaves this function.
CREATE FUNCTION sync_row_taken(p_type text, p_id text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    taken boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sync_entity_types WHERE type = p_type) THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1 AND user_id IS DISTINCT FROM $2)', p_type)
        INTO taken USING p_id, sync_jwt_sub();
    RETURN taken;
END $$;

-- Writes one run of same-type, same-kind decisions set-based (one statement each for inserts, updates and
-- tombstones) and returns {id: new version}. An insert whose id is taken by another user's row (invisible under RLS)
-- is skipped by ON CONFLICT and missing from the answer; the caller refuses the batch.
CREATE FUNCTION sync_write(p_type text, p_user text, p_ins_ids text[], p_ins_payloads jsonb[], p_ins_hlcs text[],
                           p_upd_ids text[], p_upd_payloads jsonb[], p_upd_hlcs text[], p_del_ids text[], p_del_hlcs text[])
    RETURNS jsonb
    LANGUAGE plpgsql
AS $$
DECLARE
    v_out  jsonb := '{}';
    v_part jsonb;
BEGIN
    IF cardinality(p_ins_ids) > 0 THEN
        EXECUTE format($q$
            WITH i AS (INSERT INTO %I (id, user_id, version, payload, hlc)
                       SELECT u.id, $1, nextval('sync_version_seq'), u.p, u.h
                         FROM unnest($2::text[], $3::jsonb[], $4::text[]) WITH ORDINALITY AS u(id, p, h, o) ORDER BY u.o
                       ON CONFLICT (id) DO NOTHING RETURNING id, version)
            SELECT coalesce(jsonb_object_agg(id, version), '{}') FROM i$q$, p_type)
            INTO v_part USING p_user, p_ins_ids, p_ins_payloads, p_ins_hlcs;
        v_out := v_out || v_part;
    END IF;
    IF cardinality(p_upd_ids) > 0 THEN
        EXECUTE format($q$
            WITH w AS (UPDATE %I t SET payload = u.p, hlc = u.h, deleted_at = NULL, updated_at = now(),
                              version = nextval('sync_version_seq')
                         FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS u(id, p, h)
                        WHERE t.id = u.id RETURNING t.id, t.version)
            SELECT coalesce(jsonb_object_agg(id, version), '{}') FROM w$q$, p_type)
            INTO v_part USING p_upd_ids, p_upd_payloads, p_upd_hlcs;
        v_out := v_out || v_part;
    END IF;
    IF cardinality(p_del_ids) > 0 THEN
        EXECUTE format($q$
            WITH w AS (UPDATE %I t SET payload = NULL, hlc = u.h, deleted_at = now(), updated_at = now(),
                              version = nextval('sync_version_seq')
                         FROM unnest($1::text[], $2::text[]) AS u(id, h)
                        WHERE t.id = u.id RETURNING t.id, t.version)
            SELECT coalesce(jsonb_object_agg(id, version), '{}') FROM w$q$, p_type)
            INTO v_part USING p_del_ids, p_del_hlcs;
        v_out := v_out || v_part;
    END IF;
    RETURN v_out;
END $$;

-- Applies operations for one user in one transaction: validation against the registry, idempotency by
-- (user, client, op_id) when p_client_id is given, conflicts by base_version unless p_force, upserts (parents first)
-- before deletes (children first), one NOTIFY pokepedia_sync. Returns {"results":[…], "counts":{type:{…}}}; results
-- are in the order of p_ops.
--
-- How: the stored rows of every (type, id) in the batch are read once per type (FOR UPDATE); each op is decided in
-- memory (validation, replay, conflict, insert / update / tombstone / no-op); decisions of one run of the same type
-- and kind are written together by sync_write. An op on an id with a write still pending writes the run first, so
-- several ops on one row in a batch behave as if applied one by one.
CREATE FUNCTION sync_apply(p_user text, p_client_id text, p_ops jsonb, p_force boolean) RETURNS jsonb
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
        SELECT coalesce(jsonb_object_agg(o.op_id::text, jsonb_build_object('h', o.payload_hash, 'r', o.result)), '{}')
          INTO v_seen
          FROM sync_ops o
         WHERE o.user_id = p_user AND o.client_id = p_client_id AND o.op_id = ANY (v_op_ids);
    END IF;
    FOR r IN SELECT DISTINCT e ->> 'type' AS type FROM jsonb_array_elements(p_ops) e
              WHERE jsonb_typeof(e) = 'object' AND v_types ? (e ->> 'type') LOOP
        EXECUTE format($q$
            SELECT coalesce(jsonb_object_agg(%L || '/' || s.id,
                       jsonb_build_object('v', s.version, 'd', s.deleted_at IS NOT NULL, 'p', s.payload, 'h', s.hlc)), '{}')
              FROM (SELECT id, version, deleted_at, payload, hlc FROM %I
                     WHERE user_id = $1 AND id IN (SELECT e ->> 'id' FROM jsonb_array_elements($2) e WHERE e ->> 'type' = %L)
                       FOR UPDATE) s$q$, r.type, r.type, r.type)
            INTO v_extra USING p_user, p_ops;
        v_stored := v_stored || v_extra;
    END LOOP;

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
                w_versions := sync_write(w_type, p_user, w_ins_ids, w_ins_p, w_ins_h, w_upd_ids, w_upd_p, w_upd_h, w_del_ids, w_del_h);
                v_wrote := true;
                FOR i IN 1 .. cardinality(w_ins_ids) LOOP
                    IF NOT w_versions ? w_ins_ids[i] THEN
                        RAISE EXCEPTION USING ERRCODE = 'SY403', MESSAGE = format('%s: %s %s belongs to another user',
                            v_wheres[w_ins_pos[i]], w_type, w_ins_ids[i]);
                    END IF;
                    v_results[w_ins_pos[i]] := v_results[w_ins_pos[i]] || jsonb_build_object('version', (w_versions ->> w_ins_ids[i])::bigint);
                    v_changed := v_changed || jsonb_build_object(w_type || '/' || w_ins_ids[i],
                        jsonb_build_object('v', (w_versions ->> w_ins_ids[i])::bigint, 'd', false, 'p', w_ins_p[i], 'h', w_ins_h[i]));
                END LOOP;
                FOR i IN 1 .. cardinality(w_upd_ids) LOOP
                    v_results[w_upd_pos[i]] := v_results[w_upd_pos[i]] || jsonb_build_object('version', (w_versions ->> w_upd_ids[i])::bigint);
                    v_changed := v_changed || jsonb_build_object(w_type || '/' || w_upd_ids[i],
                        jsonb_build_object('v', (w_versions ->> w_upd_ids[i])::bigint, 'd', false, 'p', w_upd_p[i], 'h', w_upd_h[i]));
                END LOOP;
                FOR i IN 1 .. cardinality(w_del_ids) LOOP
                    v_results[w_del_pos[i]] := v_results[w_del_pos[i]] || jsonb_build_object('version', (w_versions ->> w_del_ids[i])::bigint);
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
                    w_pending := w_pending || jsonb_build_object(v_id, true);
                ELSIF s_payload = v_payload AND NOT s_deleted THEN
                    v_result := v_result || jsonb_build_object('version', s_version); -- why: same content needs no new version
                ELSIF (v_t ->> 'append_only')::boolean THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = format('%s: %s is append-only; its rows cannot be changed', v_where, v_type);
                ELSE
                    w_upd_ids := w_upd_ids || v_id; w_upd_p := w_upd_p || v_payload; w_upd_h := w_upd_h || v_hlc; w_upd_pos := w_upd_pos || v_idx;
                    w_pending := w_pending || jsonb_build_object(v_id, true);
                END IF;
            ELSE
                IF s IS NULL THEN
                    v_result := v_result || jsonb_build_object('version', 0); -- nothing to delete
                ELSIF s_deleted THEN
                    v_result := v_result || jsonb_build_object('version', s_version);
                ELSE
                    w_del_ids := w_del_ids || v_id; w_del_h := w_del_h || v_hlc; w_del_pos := w_del_pos || v_idx;
                    w_pending := w_pending || jsonb_build_object(v_id, true);
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

-- POST /sync/v1/push as SQL: the user is the 'sub' of request.jwt.claims.
CREATE FUNCTION sync_push(p_client_id text, p_ops jsonb) RETURNS jsonb
    LANGUAGE plpgsql
AS $$
BEGIN
    IF p_client_id IS NULL OR length(p_client_id) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = 'client_id must be a string of 1 to 200 characters';
    END IF;
    RETURN sync_apply(sync_jwt_sub(), p_client_id, p_ops, false);
END $$;

-- The batch-sync plan's RPC: arrays of entity JSON per type, settings and warm-up plan (one object each), team
-- rosters ([{team_id, roster:[…]}], id defaults to the team id), player adjustments, and id lists to delete. Rows are
-- written as given (last write wins, no base_version), in one transaction, upserts parents first, deletes after
-- upserts children first. Answers like push (without op ids).
CREATE FUNCTION bulk_sync_entities(
    p_players                     jsonb[] DEFAULT NULL,
    p_teams                       jsonb[] DEFAULT NULL,
    p_seasons                     jsonb[] DEFAULT NULL,
    p_tournaments                 jsonb[] DEFAULT NULL,
    p_personnel                   jsonb[] DEFAULT NULL,
    p_settings                    jsonb   DEFAULT NULL,
    p_warmup_plan                 jsonb   DEFAULT NULL,
    p_team_rosters                jsonb[] DEFAULT NULL,
    p_player_adjustments          jsonb[] DEFAULT NULL,
    p_delete_player_ids           text[]  DEFAULT NULL,
    p_delete_team_ids             text[]  DEFAULT NULL,
    p_delete_season_ids           text[]  DEFAULT NULL,
    p_delete_tournament_ids       text[]  DEFAULT NULL,
    p_delete_personnel_ids        text[]  DEFAULT NULL,
    p_delete_team_roster_ids      text[]  DEFAULT NULL,
    p_delete_player_adjustment_ids text[] DEFAULT NULL
) RETURNS jsonb
    LANGUAGE plpgsql
AS $$
DECLARE
    v_user text := sync_jwt_sub();
    v_ops  jsonb := '[]';
BEGIN
    IF v_user IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'SY401', MESSAGE = 'Not authenticated: request.jwt.claims carries no "sub"';
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object('type', u.type, 'id', coalesce(u.item ->> 'id', u.default_id),
                                                  'kind', 'upsert', 'payload', u.item)), '[]')
      INTO v_ops
      FROM (SELECT 'players' AS type, i AS item, NULL AS default_id FROM unnest(p_players) i
            UNION ALL SELECT 'teams', i, NULL FROM unnest(p_teams) i
            UNION ALL SELECT 'seasons', i, NULL FROM unnest(p_seasons) i
            UNION ALL SELECT 'tournaments', i, NULL FROM unnest(p_tournaments) i
            UNION ALL SELECT 'personnel', i, NULL FROM unnest(p_personnel) i
            UNION ALL SELECT 'settings', p_settings, 'settings:' || v_user WHERE p_settings IS NOT NULL
            UNION ALL SELECT 'warmup_plan', p_warmup_plan, 'warmup_plan:' || v_user WHERE p_warmup_plan IS NOT NULL
            UNION ALL SELECT 'team_rosters', i, i ->> 'team_id' FROM unnest(p_team_rosters) i
            UNION ALL SELECT 'player_adjustments', i, NULL FROM unnest(p_player_adjustments) i) u;
    SELECT v_ops || coalesce(jsonb_agg(jsonb_build_object('type', d.type, 'id', d.id, 'kind', 'delete')), '[]')
      INTO v_ops
      FROM (SELECT 'players' AS type, x AS id FROM unnest(p_delete_player_ids) x
            UNION ALL SELECT 'teams', x FROM unnest(p_delete_team_ids) x
            UNION ALL SELECT 'seasons', x FROM unnest(p_delete_season_ids) x
            UNION ALL SELECT 'tournaments', x FROM unnest(p_delete_tournament_ids) x
            UNION ALL SELECT 'personnel', x FROM unnest(p_delete_personnel_ids) x
            UNION ALL SELECT 'team_rosters', x FROM unnest(p_delete_team_roster_ids) x
            UNION ALL SELECT 'player_adjustments', x FROM unnest(p_delete_player_adjustment_ids) x) d;
    RETURN sync_apply(v_user, NULL, v_ops, true);
END $$;

-- A game with its relations as one aggregate row of `games` (last write wins, like bulk_sync_entities).
CREATE FUNCTION save_game_with_relations(p_game jsonb, p_players jsonb DEFAULT NULL, p_events jsonb DEFAULT NULL,
                                         p_assessments jsonb DEFAULT NULL, p_tactical_data jsonb DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql
AS $$
DECLARE
    v_user text := sync_jwt_sub();
    v_game jsonb;
BEGIN
    IF v_user IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'SY401', MESSAGE = 'Not authenticated: request.jwt.claims carries no "sub"';
    END IF;
    IF jsonb_typeof(p_game) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = 'p_game must be a JSON object with an "id"';
    END IF;
    v_game := jsonb_strip_nulls(jsonb_build_object('players', p_players, 'events', p_events,
                                                   'assessments', p_assessments, 'tactical_data', p_tactical_data));
    v_game := p_game || v_game;
    RETURN sync_apply(v_user, NULL,
                      jsonb_build_array(jsonb_build_object('type', 'games', 'id', v_game -> 'id', 'kind', 'upsert', 'payload', v_game)),
                      true);
END $$;

-- GET /sync/v1/pull as SQL: the caller's changes after p_since in version order, tombstones included; append-only
-- types (logs shipped by clients) are not pulled back.
CREATE FUNCTION sync_pull(p_since bigint, p_limit integer)
    RETURNS TABLE (type text, id text, version bigint, deleted boolean, payload jsonb, hlc text)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_user   text := sync_jwt_sub();
    v_pruned bigint;
    v_sql    text;
BEGIN
    IF v_user IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'SY401', MESSAGE = 'Not authenticated: request.jwt.claims carries no "sub"';
    END IF;
    IF p_since IS NULL OR p_since < 0 OR p_limit IS NULL OR p_limit < 1 OR p_limit > 100000 THEN
        RAISE EXCEPTION USING ERRCODE = 'SY400', MESSAGE = 'since must be >= 0 and limit between 1 and 100000';
    END IF;
    SELECT s.pruned_through INTO v_pruned FROM sync_prune_state s WHERE s.user_id = v_user;
    IF p_since > 0 AND p_since < v_pruned THEN
        RAISE EXCEPTION USING ERRCODE = 'SY410', MESSAGE = format(
            'cursor %s is older than the pruned tombstones (through version %s): pull again from "0"', p_since, v_pruned);
    END IF;
    SELECT string_agg(format('(SELECT %L::text AS type, id, version, deleted_at IS NOT NULL AS deleted, payload, hlc FROM %I
                               WHERE user_id = $1 AND version > $2 ORDER BY version LIMIT $3)', t.type, t.type), ' UNION ALL ')
      INTO v_sql
      FROM sync_entity_types t
     WHERE NOT t.append_only;
    RETURN QUERY EXECUTE 'SELECT * FROM (' || v_sql || ') c ORDER BY c.version LIMIT $3' USING v_user, p_since, p_limit;
END $$;

-- Hard-deletes tombstones older than p_older_than (children first) and raises each user's watermark; run as the
-- owner (maintenance), not as a user.
CREATE FUNCTION sync_prune_tombstones(p_older_than interval) RETURNS bigint
    LANGUAGE plpgsql
AS $$
DECLARE
    t record;
    n bigint := 0;
    c bigint;
BEGIN
    FOR t IN SELECT type FROM sync_entity_types ORDER BY rank DESC, type LOOP
        EXECUTE format($q$
            WITH d AS (DELETE FROM %I WHERE deleted_at IS NOT NULL AND deleted_at <= now() - $1 RETURNING user_id, version),
                 w AS (INSERT INTO sync_prune_state (user_id, pruned_through)
                       SELECT user_id, max(version) FROM d GROUP BY user_id
                       ON CONFLICT (user_id) DO UPDATE
                          SET pruned_through = greatest(sync_prune_state.pruned_through, EXCLUDED.pruned_through), pruned_at = now()
                       RETURNING 1)
            SELECT count(*) FROM d$q$, t.type) INTO c USING p_older_than;
        n := n + c;
    END LOOP;
    RETURN n;
END $$;

REVOKE ALL ON FUNCTION sync_apply(text, text, jsonb, boolean), sync_write(text, text, text[], jsonb[], text[], text[], jsonb[], text[], text[], text[]), sync_push(text, jsonb), bulk_sync_entities(jsonb[], jsonb[], jsonb[], jsonb[], jsonb[], jsonb, jsonb, jsonb[], jsonb[], text[], text[], text[], text[], text[], text[], text[]),
    save_game_with_relations(jsonb, jsonb, jsonb, jsonb, jsonb), sync_pull(bigint, integer), sync_prune_tombstones(interval),
    sync_row_taken(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sync_apply(text, text, jsonb, boolean), sync_write(text, text, text[], jsonb[], text[], text[], jsonb[], text[], text[], text[]), sync_push(text, jsonb), bulk_sync_entities(jsonb[], jsonb[], jsonb[], jsonb[], jsonb[], jsonb, jsonb, jsonb[], jsonb[], text[], text[], text[], text[], text[], text[], text[]),
    save_game_with_relations(jsonb, jsonb, jsonb, jsonb, jsonb), sync_pull(bigint, integer), sync_row_taken(text, text)
    TO authenticated, service_role;
