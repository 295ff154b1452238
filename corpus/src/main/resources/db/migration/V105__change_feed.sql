-- The change feed: after a transaction that changed documents, projections or endpoints commits, one NOTIFY on
-- channel 'pokepedia_changes' says what changed, so serve processes can keep their in-memory copies exact.
--
-- Payload (JSON text): {"c": <change counter>, "d": ["type/key", …] | "many", "p": ["pokemon", …] | "many",
--                       "e": ["endpoints"], "a": ["bucket/path", …] | "many"}   (only the kinds that changed)
--   d = documents (pokeapi_resources rows: new, changed, tombstoned, deleted; media module: documents whose stored
--       media changed), p = projection tables, e = the endpoint list, a = asset manifest rows (media module).
--   "many" = too many to list in one notification (its limit is 8000 bytes): the listener reloads that kind wholesale.
--
-- How: statement-level triggers (transition tables, so a COPY of 10,000 rows costs one trigger call) record what
-- changed in pokepedia_change_outbox under the transaction's id. A deferred constraint trigger on the outbox runs at
-- commit: it takes the transaction's outbox rows, bumps the change counter and sends one NOTIFY. NOTIFY is delivered
-- only if the transaction commits, and in commit order.
--
-- why a counter row and not a sequence: the row is locked from the bump to the commit, so counter order is commit
-- order and a listener that holds counter N has seen every change up to N; after a reconnect it compares the stored
-- value with the last one it saw to learn whether it missed anything. A sequence hands out numbers in call order,
-- and a transaction that took 5 could commit after one that took 6, unseen. The lock is taken only at commit time
-- (deferred trigger), after every row lock of the transaction, so it cannot take part in a deadlock.
CREATE TABLE pokepedia_change_counter (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    value     bigint  NOT NULL
);
INSERT INTO pokepedia_change_counter (singleton, value) VALUES (true, 0);

-- why unlogged: rows live only until their own transaction commits (the publisher deletes them); a crash loses only
-- rows of transactions that never committed
CREATE UNLOGGED TABLE pokepedia_change_outbox (
    xid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    kind text NOT NULL,  -- d, p, e (corpus), a (media)
    ids  text[]          -- NULL = many
);
CREATE INDEX pokepedia_change_outbox_xid_idx ON pokepedia_change_outbox (xid);

-- Records changed ids of one kind for this transaction's notification (more than max_ids: "many"). NULL or empty
-- ids (array_agg over no rows) record nothing.
CREATE FUNCTION pokepedia_feed_add(kind text, ids text[], max_ids integer DEFAULT 400) RETURNS void
    LANGUAGE sql AS
$$ INSERT INTO pokepedia_change_outbox (kind, ids)
   SELECT kind, CASE WHEN cardinality(ids) <= max_ids THEN ids END
    WHERE cardinality(ids) > 0 $$;

CREATE FUNCTION pokepedia_feed_publish() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
DECLARE
    payload jsonb;
    counter bigint;
    body    text;
BEGIN
    WITH mine AS (DELETE FROM pokepedia_change_outbox WHERE xid = pg_current_xact_id() RETURNING kind, ids),
         per_kind AS (
             SELECT m.kind, bool_or(m.ids IS NULL) AS many,
                    (SELECT array_agg(DISTINCT x ORDER BY x) FROM mine m2, unnest(m2.ids) x WHERE m2.kind = m.kind) AS ids
               FROM mine m GROUP BY m.kind)
    SELECT jsonb_object_agg(kind, CASE WHEN many THEN to_jsonb('many'::text) ELSE to_jsonb(ids) END) INTO payload
      FROM per_kind;
    IF payload IS NULL THEN
        RETURN NULL; -- an earlier outbox row of this transaction already published everything
    END IF;
    UPDATE pokepedia_change_counter SET value = value + 1 RETURNING value INTO counter;
    body := (payload || jsonb_build_object('c', counter))::text;
    IF length(body) > 7900 THEN
        -- why: NOTIFY refuses payloads of 8000 bytes or more, which would fail the writer's commit
        SELECT jsonb_object_agg(k, to_jsonb('many'::text)) || jsonb_build_object('c', counter) INTO payload
          FROM jsonb_object_keys(payload) k;
        body := payload::text;
    END IF;
    PERFORM pg_notify('pokepedia_changes', body);
    RETURN NULL;
END
$fn$;

CREATE CONSTRAINT TRIGGER pokepedia_change_outbox_publish
    AFTER INSERT ON pokepedia_change_outbox DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION pokepedia_feed_publish();

-- documents --------------------------------------------------------------------------------------------------------
CREATE FUNCTION pokepedia_feed_documents_rows() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    PERFORM pokepedia_feed_add('d', (SELECT array_agg(resource_type || '/' || resource_key) FROM changed));
    RETURN NULL;
END
$fn$;

CREATE FUNCTION pokepedia_feed_documents_update() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    -- why: only what a reader sees (content, name, tombstone); e.g. a new ETag alone changes nothing served
    PERFORM pokepedia_feed_add('d', (SELECT array_agg(n.resource_type || '/' || n.resource_key)
                                       FROM after_rows n JOIN before_rows o USING (resource_type, resource_key)
                                      WHERE n.sha256 IS DISTINCT FROM o.sha256 OR n.name IS DISTINCT FROM o.name
                                         OR (n.deleted_at IS NULL) <> (o.deleted_at IS NULL)
                                         -- why last: a hand edit of data alone; jsonb comparison is costly on big documents
                                         OR n.data IS DISTINCT FROM o.data));
    RETURN NULL;
END
$fn$;

CREATE TRIGGER pokepedia_feed_documents_insert AFTER INSERT ON pokeapi_resources
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_documents_rows();
CREATE TRIGGER pokepedia_feed_documents_delete AFTER DELETE ON pokeapi_resources
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_documents_rows();
CREATE TRIGGER pokepedia_feed_documents_update AFTER UPDATE ON pokeapi_resources
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_documents_update();

-- projections and the endpoint list: the kind (TG_ARGV) when the statement touched any row ---------------------------
CREATE FUNCTION pokepedia_feed_table_rows() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        PERFORM pokepedia_feed_add(TG_ARGV[0], ARRAY[TG_ARGV[1]]);
    END IF;
    RETURN NULL;
END
$fn$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('pokepedia_pokemon', 'p', 'pokemon'), ('pokepedia_species', 'p', 'species'),
                                   ('pokepedia_evolution_chains', 'p', 'evolution-chains'), ('pokepedia_moves', 'p', 'moves'),
                                   ('pokepedia_types', 'p', 'types'), ('pokepedia_endpoints', 'e', 'endpoints')) v(tbl, kind, name)
    LOOP
        EXECUTE format('CREATE TRIGGER pokepedia_feed_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_table_rows(%L, %L)', t.tbl, t.kind, t.name);
        EXECUTE format('CREATE TRIGGER pokepedia_feed_update AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_table_rows(%L, %L)', t.tbl, t.kind, t.name);
        EXECUTE format('CREATE TRIGGER pokepedia_feed_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_table_rows(%L, %L)', t.tbl, t.kind, t.name);
    END LOOP;
END $$;

-- TRUNCATE has no transition tables: everything of the kinds given as arguments changed
CREATE FUNCTION pokepedia_feed_truncated() RETURNS trigger
    LANGUAGE plpgsql AS
$fn$
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        INSERT INTO pokepedia_change_outbox (kind, ids) VALUES (TG_ARGV[i], NULL);
    END LOOP;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER pokepedia_feed_truncate AFTER TRUNCATE ON pokeapi_resources
    FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_truncated('d');
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('pokepedia_pokemon', 'p'), ('pokepedia_species', 'p'), ('pokepedia_evolution_chains', 'p'),
                                   ('pokepedia_moves', 'p'), ('pokepedia_types', 'p'), ('pokepedia_endpoints', 'e')) v(tbl, kind)
    LOOP
        EXECUTE format('CREATE TRIGGER pokepedia_feed_truncate AFTER TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION pokepedia_feed_truncated(%L)', t.tbl, t.kind);
    END LOOP;
END $$;
