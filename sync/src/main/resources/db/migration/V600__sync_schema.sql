-- Offline-first sync, server side (issue 16). Range V6xx.
--
-- Every synced entity type is one table made by sync_define_type(): id (text, unique across users), user_id, version
-- (from the ONE sequence sync_version_seq, so a user's changes across all tables have one order: the pull cursor),
-- updated_at, deleted_at (tombstone: payload NULL), hlc (the client's hybrid logical clock stamp), payload jsonb.
-- Row-level security as Supabase does it: roles anon / authenticated / service_role, the user is the 'sub' of the
-- request's JWT claims (request.jwt.claims, set per transaction).

-- Supabase's roles. Roles are cluster-wide and many databases may be migrated at once, so: create only if missing,
-- and a concurrent creator winning the race is fine.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                IF r = 'service_role' THEN
                    BEGIN
                        EXECUTE 'CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS';
                    EXCEPTION WHEN insufficient_privilege THEN
                        EXECUTE 'CREATE ROLE service_role NOLOGIN NOINHERIT';
                    END;
                ELSE
                    EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- why: another database's migration created it a moment ago
            END;
        END IF;
    END LOOP;
    -- why: the server switches to 'authenticated' per transaction (SET LOCAL ROLE); a non-superuser connection user
    -- must be a member for that (a superuser, or Supabase's postgres user, already is)
    IF NOT pg_has_role(current_user, 'authenticated', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT authenticated TO %I', current_user);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'could not grant authenticated to %: %', current_user, SQLERRM;
        END;
    END IF;
END $$;

CREATE SEQUENCE sync_version_seq;
GRANT USAGE ON SEQUENCE sync_version_seq TO authenticated, service_role;

-- The user of the current request, from its JWT claims (Supabase's auth.uid(), as text). NULL when none are set.
CREATE FUNCTION sync_jwt_sub() RETURNS text
    LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub' $$;

-- The registry: which types exist, which payload fields they allow, their parent (a typed foreign key column
-- generated from a payload field), the order of application (rank: parents first on upsert, last on delete).
CREATE TABLE sync_entity_types (
    type         text PRIMARY KEY CHECK (type ~ '^[a-z][a-z0-9_]{0,62}$'),
    fields       text[]  NOT NULL,
    rank         integer NOT NULL,
    parent_type  text REFERENCES sync_entity_types (type),
    parent_field text,
    append_only  boolean NOT NULL DEFAULT false,
    CHECK ((parent_type IS NULL) = (parent_field IS NULL))
);
GRANT SELECT ON sync_entity_types TO authenticated, service_role, anon;

-- Idempotency: one row per answered operation of a client install; a replay gets `result` again, a different payload
-- under the same op id (hash mismatch) is refused.
CREATE TABLE sync_ops (
    user_id      text        NOT NULL,
    client_id    text        NOT NULL,
    op_id        bigint      NOT NULL,
    payload_hash text        NOT NULL,
    result       jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_id, op_id)
);
CREATE INDEX sync_ops_created ON sync_ops (created_at);
ALTER TABLE sync_ops ENABLE ROW LEVEL SECURITY;
CREATE POLICY sync_ops_owner ON sync_ops FOR ALL TO authenticated
    USING (user_id = (SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))
    WITH CHECK (user_id = (SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'));
GRANT SELECT, INSERT ON sync_ops TO authenticated;
GRANT ALL ON sync_ops TO service_role;

-- Tombstone pruning watermark per user: tombstones with version <= pruned_through are gone, so a pull from an older
-- cursor cannot learn about those deletes and must resync from 0.
CREATE TABLE sync_prune_state (
    user_id        text PRIMARY KEY,
    pruned_through bigint      NOT NULL,
    pruned_at      timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE sync_prune_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY sync_prune_state_owner ON sync_prune_state FOR SELECT TO authenticated
    USING (user_id = (SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'));
GRANT SELECT ON sync_prune_state TO authenticated;
GRANT ALL ON sync_prune_state TO service_role;

-- A child row (upsert) must name a live parent row of the same user. TG_ARGV: parent table, payload field.
CREATE FUNCTION sync_check_parent() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    parent_id text := NEW.payload ->> TG_ARGV[1];
    found     boolean;
BEGIN
    IF parent_id IS NULL OR parent_id = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'SY400',
            MESSAGE = format('%s %s: field "%s" (the %s row it belongs to) is required', TG_TABLE_NAME, NEW.id, TG_ARGV[1], TG_ARGV[0]);
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE user_id = $1 AND id = $2 AND deleted_at IS NULL)', TG_ARGV[0])
        INTO found USING NEW.user_id, parent_id;
    IF NOT found THEN
        RAISE EXCEPTION USING ERRCODE = 'SY400',
            MESSAGE = format('%s %s references %s %s, which does not exist (or is deleted)', TG_TABLE_NAME, NEW.id, TG_ARGV[0], parent_id);
    END IF;
    RETURN NEW;
END $$;

-- Deleting a parent tombstones its live children (new versions, so pulls see them). TG_ARGV: child table, field.
CREATE FUNCTION sync_cascade_tombstone() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('UPDATE %I SET deleted_at = $3, payload = NULL, hlc = $4, updated_at = $3, version = nextval(''sync_version_seq'')
                     WHERE user_id = $1 AND %I = $2 AND deleted_at IS NULL', TG_ARGV[0], TG_ARGV[1])
        USING NEW.user_id, NEW.id, NEW.deleted_at, NEW.hlc;
    RETURN NULL;
END $$;

-- Defines a synced entity type: its table (with RLS, grants, indexes), its parent link and its registry row.
-- Adding an app's own type is one migration calling this.
CREATE FUNCTION sync_define_type(p_type text, p_fields text[], p_rank integer, p_parent_type text DEFAULT NULL,
                                 p_parent_field text DEFAULT NULL, p_append_only boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    owner_expr constant text := $e$user_id = (SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')$e$; -- why SELECT: evaluated once per statement (an initplan), not per row, as Supabase advises
BEGIN
    INSERT INTO sync_entity_types (type, fields, rank, parent_type, parent_field, append_only)
    VALUES (p_type, p_fields, p_rank, p_parent_type, p_parent_field, p_append_only);
    EXECUTE format($f$
        CREATE TABLE %1$I (
            id         text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
            user_id    text        NOT NULL,
            version    bigint      NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            deleted_at timestamptz,
            hlc        text,
            payload    jsonb,
            UNIQUE (user_id, id),
            CHECK ((deleted_at IS NULL) = (payload IS NOT NULL))
        )$f$, p_type);
    EXECUTE format('CREATE INDEX %I ON %I (user_id, version)', p_type || '_user_version', p_type);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', p_type);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO authenticated USING (%s) WITH CHECK (%s)',
                   p_type || '_owner', p_type, owner_expr, owner_expr);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO authenticated, service_role', p_type);
    IF p_parent_type IS NOT NULL THEN
        -- why generated: the typed column the foreign key needs, always equal to the payload's field; NULL for a
        -- tombstone (payload NULL), so tombstones never pin their parent
        EXECUTE format('ALTER TABLE %I ADD COLUMN %I text GENERATED ALWAYS AS (payload ->> %L) STORED',
                       p_type, p_parent_field, p_parent_field);
        EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (user_id, %I) REFERENCES %I (user_id, id)',
                       p_type, p_parent_field, p_parent_type);
        EXECUTE format('CREATE INDEX %I ON %I (user_id, %I) WHERE deleted_at IS NULL',
                       p_type || '_parent', p_type, p_parent_field);
        -- why a function per type: its query is static, so each session plans it once (the generic
        -- sync_check_parent needs a dynamic query per row)
        EXECUTE format($f$
            CREATE FUNCTION %1$I() RETURNS trigger LANGUAGE plpgsql AS $b$
            DECLARE
                parent_id text := NEW.payload ->> %3$L;
            BEGIN
                IF parent_id IS NULL OR parent_id = '' THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400',
                        MESSAGE = format('%%s %%s: field "%%s" (the %%s row it belongs to) is required', TG_TABLE_NAME, NEW.id, %3$L, %2$L);
                END IF;
                IF NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.user_id = NEW.user_id AND p.id = parent_id AND p.deleted_at IS NULL) THEN
                    RAISE EXCEPTION USING ERRCODE = 'SY400',
                        MESSAGE = format('%%s %%s references %%s %%s, which does not exist (or is deleted)', TG_TABLE_NAME, NEW.id, %2$L, parent_id);
                END IF;
                RETURN NEW;
            END $b$
        $f$, 'sync_check_parent_' || p_type, p_parent_type, p_parent_field);
        EXECUTE format('CREATE TRIGGER sync_check_parent BEFORE INSERT OR UPDATE ON %I FOR EACH ROW
                        WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION %I()',
                       p_type, 'sync_check_parent_' || p_type);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF deleted_at ON %I FOR EACH ROW
                        WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
                        EXECUTE FUNCTION sync_cascade_tombstone(%L, %L)',
                       'sync_cascade_' || p_type, p_parent_type, p_type, p_parent_field);
    END IF;
END $$;

-- The reference schema: the team-manager entities of the batch-sync plan, usage_logs and user_settings of the
-- Raw Studio plan. Parents: team_rosters.team_id -> teams, player_adjustments.player_id -> players. Games are one
-- aggregate (players, events, assessments, tactical data inside the payload), written by save_game_with_relations too.
SELECT sync_define_type('players', ARRAY['name', 'nickname', 'jersey_number', 'position', 'is_goalie', 'color', 'notes',
                                          'birth_date', 'received_fair_play_card', 'archived', 'created_at', 'updated_at'], 10);
SELECT sync_define_type('teams', ARRAY['name', 'color', 'notes', 'age_group', 'season_id', 'tournament_id', 'archived',
                                        'created_at', 'updated_at'], 10);
SELECT sync_define_type('seasons', ARRAY['name', 'location', 'start_date', 'end_date', 'period_count', 'period_duration',
                                          'game_type', 'notes', 'archived', 'created_at', 'updated_at'], 10);
SELECT sync_define_type('tournaments', ARRAY['name', 'location', 'start_date', 'end_date', 'level', 'series',
                                              'period_count', 'period_duration', 'notes', 'archived', 'created_at', 'updated_at'], 10);
SELECT sync_define_type('personnel', ARRAY['name', 'role', 'phone', 'email', 'certifications', 'notes', 'created_at',
                                            'updated_at'], 10);
SELECT sync_define_type('settings', ARRAY['language', 'theme', 'default_team_id', 'current_game_id', 'preferences',
                                           'created_at', 'updated_at'], 10);
SELECT sync_define_type('warmup_plan', ARRAY['name', 'sections', 'version', 'is_default', 'created_at', 'updated_at'], 10);
SELECT sync_define_type('team_rosters', ARRAY['team_id', 'roster', 'created_at', 'updated_at'], 20, 'teams', 'team_id');
SELECT sync_define_type('player_adjustments', ARRAY['player_id', 'season_id', 'tournament_id', 'games_played_delta',
                                                     'goals_delta', 'assists_delta', 'note', 'applied_at', 'created_at',
                                                     'updated_at'], 20, 'players', 'player_id');
SELECT sync_define_type('games', ARRAY['team_id', 'season_id', 'tournament_id', 'opponent', 'home_or_away', 'game_date',
                                        'game_time', 'location', 'status', 'period_count', 'period_duration', 'home_score',
                                        'away_score', 'notes', 'players', 'events', 'assessments', 'tactical_data',
                                        'created_at', 'updated_at'], 30);
SELECT sync_define_type('user_settings', ARRAY['settings', 'video_settings', 'created_at', 'updated_at'], 10);
SELECT sync_define_type('usage_logs', ARRAY['provider', 'action', 'credits_consumed', 'metadata', 'level', 'message',
                                             'context', 'created_at'], 40, NULL, NULL, true);
