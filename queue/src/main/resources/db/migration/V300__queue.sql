-- Durable queues with pgmq's semantics on one shared table pair (queue/README.md explains the choices).
-- Every operation is an SQL function so that non-Java programs can use the queues too; the Java API
-- (dev.pokepedia.queue.Queues) calls exactly these functions.

-- The queues and their settings.
CREATE TABLE pokepedia_queues (
    queue_id   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    max_reads  integer     NOT NULL DEFAULT 0 CHECK (max_reads >= 0), -- dead-letter on read after this many reads; 0 = never
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Counters per queue, in 16 shards: a sender or acker updates the shard of its backend (pg_backend_pid() % 16)
-- in the same transaction as its rows, so length = sum(sent) - sum(removed) is exact without counting rows, and
-- concurrent workers rarely wait on the same counter row.
CREATE TABLE pokepedia_queue_stats (
    queue_id integer  NOT NULL,
    shard    smallint NOT NULL,
    sent     bigint   NOT NULL DEFAULT 0,
    removed  bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_id, shard)
) WITH (
    -- why: every send batch and ack batch updates one of these rows; no indexed column changes, so with half of
    -- each page free they are HOT updates that page pruning cleans up without waiting for vacuum
    fillfactor = 50,
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500, autovacuum_vacuum_cost_delay = 0
);

-- The hot table: messages not yet deleted or archived, of every queue.
CREATE TABLE pokepedia_queue_messages (
    msg_id      bigint      GENERATED ALWAYS AS IDENTITY,
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    vt          timestamptz NOT NULL, -- visible (claimable) from this instant on
    queue_id    integer     NOT NULL,
    read_ct     integer     NOT NULL DEFAULT 0,
    message     jsonb       NOT NULL,
    headers     jsonb,
    last_error  text,
    -- why (queue_id, msg_id): deletes/acks by id, and oldest/newest message per queue for the metrics
    PRIMARY KEY (queue_id, msg_id)
) WITH (
    -- why: a claim changes vt, an indexed column, so its update is never HOT; with 30 % of each page free the new
    -- row version still lands on the same page (no relation extension, no free-space-map search, the page is
    -- already in cache), and opportunistic pruning gives the room back once the message is deleted
    fillfactor = 70,
    -- why: every message becomes 2-3 dead row versions within seconds. Vacuum after 1 % (+1,000) dead rows instead
    -- of the default 20 %, so a drained queue's table and indexes stay a few pages long; unthrottled because the
    -- table is small when it is healthy. Insert-triggered vacuum keeps the visibility map fresh for the index-only
    -- scans of the metrics; frequent analyze keeps the claim plan on the index.
    autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);
-- The claim: WHERE queue_id = $1 AND vt <= now() ORDER BY vt, msg_id LIMIT n — an index range scan that stops
-- after n rows, whatever the backlog.
CREATE INDEX pokepedia_queue_messages_claim_idx ON pokepedia_queue_messages (queue_id, vt, msg_id);

-- Archived and dead-lettered messages (append-only; never on the claim path).
CREATE TABLE pokepedia_queue_archive (
    msg_id      bigint      NOT NULL,
    enqueued_at timestamptz NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now(),
    vt          timestamptz NOT NULL,
    queue_id    integer     NOT NULL,
    read_ct     integer     NOT NULL,
    dead        boolean     NOT NULL DEFAULT false, -- dead-lettered rather than archived on purpose
    message     jsonb       NOT NULL,
    headers     jsonb,
    last_error  text,
    PRIMARY KEY (queue_id, msg_id)
);
CREATE INDEX pokepedia_queue_archive_dead_idx ON pokepedia_queue_archive (queue_id, msg_id) WHERE dead;

-- What the read/pop/set_vt functions return.
CREATE TYPE pokepedia_queue_message AS (
    msg_id      bigint,
    read_ct     integer,
    enqueued_at timestamptz,
    vt          timestamptz,
    message     jsonb,
    headers     jsonb,
    last_error  text
);

-- The id of a queue, or SQLSTATE PQ001.
CREATE FUNCTION pokepedia_queue_id(queue_name text) RETURNS integer
    LANGUAGE plpgsql STABLE AS
$fn$
DECLARE
    qid integer;
BEGIN
    SELECT q.queue_id INTO qid FROM pokepedia_queues q WHERE q.name = queue_name;
    IF qid IS NULL THEN
        RAISE EXCEPTION 'queue "%" does not exist', queue_name
            USING ERRCODE = 'PQ001', HINT = 'Create it first with pokepedia_queue_create(name).';
    END IF;
    RETURN qid;
END
$fn$;

-- Adds to the counters of the calling backend's shard; PQ001 if the queue was dropped meanwhile.
CREATE FUNCTION pokepedia_queue_count(qid integer, sent_delta bigint, removed_delta bigint) RETURNS void
    LANGUAGE plpgsql AS
$fn$
BEGIN
    IF sent_delta = 0 AND removed_delta = 0 THEN
        RETURN;
    END IF;
    UPDATE pokepedia_queue_stats s
       SET sent = s.sent + sent_delta, removed = s.removed + removed_delta
     WHERE s.queue_id = qid AND s.shard = pg_backend_pid() % 16;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue % was dropped', qid USING ERRCODE = 'PQ001';
    END IF;
END
$fn$;

-- Creates a queue, or updates the settings of an existing one.
CREATE FUNCTION pokepedia_queue_create(queue_name text, read_limit integer DEFAULT 0) RETURNS void
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer;
BEGIN
    INSERT INTO pokepedia_queues AS q (name, max_reads) VALUES (queue_name, coalesce(read_limit, 0))
    ON CONFLICT (name) DO UPDATE SET max_reads = excluded.max_reads
    RETURNING q.queue_id INTO qid;
    INSERT INTO pokepedia_queue_stats (queue_id, shard)
    SELECT qid, s FROM generate_series(0, 15) s
    ON CONFLICT DO NOTHING;
END
$fn$;

-- Drops a queue with its messages, archive and counters; false if there was no such queue.
CREATE FUNCTION pokepedia_queue_drop(queue_name text) RETURNS boolean
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer;
BEGIN
    DELETE FROM pokepedia_queues q WHERE q.name = queue_name RETURNING q.queue_id INTO qid;
    IF qid IS NULL THEN
        RETURN false;
    END IF;
    -- why first: waits for senders holding a counter row, whose messages the next statement then sees and deletes;
    -- later senders find no counter row and fail (PQ001) instead of leaving orphans
    DELETE FROM pokepedia_queue_stats s WHERE s.queue_id = qid;
    DELETE FROM pokepedia_queue_messages m WHERE m.queue_id = qid;
    DELETE FROM pokepedia_queue_archive a WHERE a.queue_id = qid;
    RETURN true;
END
$fn$;

-- Sends one message, visible after delay; returns its id.
CREATE FUNCTION pokepedia_queue_send(queue_name text, msg jsonb, msg_headers jsonb DEFAULT NULL,
                                     delay interval DEFAULT '0') RETURNS bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid    integer := pokepedia_queue_id(queue_name);
    new_id bigint;
BEGIN
    PERFORM pokepedia_queue_count(qid, 1, 0);
    INSERT INTO pokepedia_queue_messages (queue_id, vt, message, headers)
    VALUES (qid, now() + greatest(coalesce(delay, '0'), '0'), msg, msg_headers)
    RETURNING msg_id INTO new_id;
    PERFORM pg_notify('pokepedia_queue', queue_name);
    RETURN new_id;
END
$fn$;

-- Sends many messages in one statement (headers: null, or one per message); returns their ids in order.
CREATE FUNCTION pokepedia_queue_send_batch(queue_name text, msgs jsonb[], msg_headers jsonb[] DEFAULT NULL,
                                           delay interval DEFAULT '0') RETURNS SETOF bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    ids bigint[];
BEGIN
    IF msg_headers IS NOT NULL AND cardinality(msg_headers) <> cardinality(msgs) THEN
        RAISE EXCEPTION '% headers for % messages', cardinality(msg_headers), cardinality(msgs)
            USING ERRCODE = '22023', HINT = 'Pass one header object (or null) per message, or no headers at all.';
    END IF;
    IF coalesce(cardinality(msgs), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM pokepedia_queue_count(qid, cardinality(msgs), 0);
    WITH ins AS (
        INSERT INTO pokepedia_queue_messages (queue_id, vt, message, headers)
        SELECT qid, now() + greatest(coalesce(delay, '0'), '0'), u.msg, u.hdr
          FROM unnest(msgs, msg_headers) WITH ORDINALITY AS u(msg, hdr, ord)
         ORDER BY u.ord
        RETURNING msg_id)
    SELECT array_agg(ins.msg_id ORDER BY ins.msg_id) INTO ids FROM ins;
    PERFORM pg_notify('pokepedia_queue', queue_name);
    RETURN QUERY SELECT unnest(ids);
END
$fn$;

-- Claims up to qty visible messages (oldest deadline first, skipping rows other readers hold), makes them
-- invisible for the visibility interval and increments their read count. Messages already read read_limit times
-- (default: the queue's max_reads; 0 = never) are dead-lettered instead of returned, keeping their last error.
CREATE FUNCTION pokepedia_queue_read(queue_name text, visibility interval, qty integer,
                                     read_limit integer DEFAULT NULL) RETURNS SETOF pokepedia_queue_message
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid      integer;
    lim      integer;
    live_ids bigint[];
    dead_ids bigint[];
    n_dead   bigint;
BEGIN
    SELECT q.queue_id, coalesce(read_limit, q.max_reads) INTO qid, lim FROM pokepedia_queues q WHERE q.name = queue_name;
    IF qid IS NULL THEN
        PERFORM pokepedia_queue_id(queue_name); -- raises PQ001
    END IF;
    SELECT array_agg(c.msg_id) FILTER (WHERE lim <= 0 OR c.read_ct < lim),
           array_agg(c.msg_id) FILTER (WHERE lim > 0 AND c.read_ct >= lim)
      INTO live_ids, dead_ids
      FROM (SELECT m.msg_id, m.read_ct
              FROM pokepedia_queue_messages m
             WHERE m.queue_id = qid AND m.vt <= now()
             ORDER BY m.vt, m.msg_id
             LIMIT qty
               FOR UPDATE SKIP LOCKED) c;
    IF dead_ids IS NOT NULL THEN
        WITH d AS (
            DELETE FROM pokepedia_queue_messages m WHERE m.queue_id = qid AND m.msg_id = ANY (dead_ids) RETURNING m.*)
        INSERT INTO pokepedia_queue_archive (msg_id, enqueued_at, vt, queue_id, read_ct, dead, message, headers, last_error)
        SELECT d.msg_id, d.enqueued_at, d.vt, d.queue_id, d.read_ct, true, d.message, d.headers,
               coalesce(d.last_error, 'read ' || d.read_ct || ' times without being deleted')
          FROM d;
        GET DIAGNOSTICS n_dead = ROW_COUNT;
        PERFORM pokepedia_queue_count(qid, 0, n_dead);
    END IF;
    IF live_ids IS NOT NULL THEN
        RETURN QUERY
            UPDATE pokepedia_queue_messages m
               SET vt = now() + visibility, read_ct = m.read_ct + 1
             WHERE m.queue_id = qid AND m.msg_id = ANY (live_ids)
         RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message, m.headers, m.last_error;
    END IF;
END
$fn$;

-- Deletes and returns the first visible message (no visibility timeout: it is gone once returned).
CREATE FUNCTION pokepedia_queue_pop(queue_name text) RETURNS SETOF pokepedia_queue_message
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    got pokepedia_queue_message;
BEGIN
    DELETE FROM pokepedia_queue_messages m
     WHERE m.queue_id = qid
       AND m.msg_id = (SELECT f.msg_id FROM pokepedia_queue_messages f
                        WHERE f.queue_id = qid AND f.vt <= now()
                        ORDER BY f.vt, f.msg_id
                        LIMIT 1
                          FOR UPDATE SKIP LOCKED)
    RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message, m.headers, m.last_error INTO got;
    IF got.msg_id IS NOT NULL THEN
        PERFORM pokepedia_queue_count(qid, 0, 1);
        RETURN NEXT got;
    END IF;
END
$fn$;

-- Deletes messages by id; returns the ids that existed.
CREATE FUNCTION pokepedia_queue_delete(queue_name text, ids bigint[]) RETURNS SETOF bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid  integer := pokepedia_queue_id(queue_name);
    gone bigint[];
BEGIN
    WITH d AS (DELETE FROM pokepedia_queue_messages m WHERE m.queue_id = qid AND m.msg_id = ANY (ids) RETURNING m.msg_id)
    SELECT array_agg(d.msg_id ORDER BY d.msg_id) INTO gone FROM d;
    PERFORM pokepedia_queue_count(qid, 0, coalesce(cardinality(gone), 0));
    RETURN QUERY SELECT unnest(gone);
END
$fn$;

CREATE FUNCTION pokepedia_queue_delete(queue_name text, id bigint) RETURNS boolean
    LANGUAGE sql AS
$fn$
SELECT EXISTS (SELECT FROM pokepedia_queue_delete(queue_name, ARRAY[id]))
$fn$;

-- Moves messages to the archive; returns the ids that existed.
CREATE FUNCTION pokepedia_queue_archive(queue_name text, ids bigint[]) RETURNS SETOF bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid   integer := pokepedia_queue_id(queue_name);
    moved bigint[];
BEGIN
    WITH d AS (DELETE FROM pokepedia_queue_messages m WHERE m.queue_id = qid AND m.msg_id = ANY (ids) RETURNING m.*),
         a AS (INSERT INTO pokepedia_queue_archive (msg_id, enqueued_at, vt, queue_id, read_ct, message, headers, last_error)
               SELECT d.msg_id, d.enqueued_at, d.vt, d.queue_id, d.read_ct, d.message, d.headers, d.last_error FROM d
               RETURNING msg_id)
    SELECT array_agg(a.msg_id ORDER BY a.msg_id) INTO moved FROM a;
    PERFORM pokepedia_queue_count(qid, 0, coalesce(cardinality(moved), 0));
    RETURN QUERY SELECT unnest(moved);
END
$fn$;

CREATE FUNCTION pokepedia_queue_archive(queue_name text, id bigint) RETURNS boolean
    LANGUAGE sql AS
$fn$
SELECT EXISTS (SELECT FROM pokepedia_queue_archive(queue_name, ARRAY[id]))
$fn$;

-- Sets a message's visibility deadline to now() + visibility; returns the message (none if it does not exist).
CREATE FUNCTION pokepedia_queue_set_vt(queue_name text, id bigint, visibility interval)
    RETURNS SETOF pokepedia_queue_message
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
BEGIN
    RETURN QUERY
        UPDATE pokepedia_queue_messages m SET vt = now() + visibility
         WHERE m.queue_id = qid AND m.msg_id = id
     RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message, m.headers, m.last_error;
    IF FOUND THEN
        PERFORM pg_notify('pokepedia_queue', queue_name);
    END IF;
END
$fn$;

-- Deletes every message of a queue (not its archive); returns how many.
CREATE FUNCTION pokepedia_queue_purge(queue_name text) RETURNS bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    n   bigint;
BEGIN
    DELETE FROM pokepedia_queue_messages m WHERE m.queue_id = qid;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM pokepedia_queue_count(qid, 0, n);
    RETURN n;
END
$fn$;

-- A failed attempt: keep the error and make the message visible again after delay (the retry backoff).
-- expected_read_ct guards against touching a message another reader has claimed since.
CREATE FUNCTION pokepedia_queue_retry_later(queue_name text, id bigint, error text, delay interval,
                                            expected_read_ct integer DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
BEGIN
    UPDATE pokepedia_queue_messages m
       SET vt = now() + greatest(coalesce(delay, '0'), '0'), last_error = error
     WHERE m.queue_id = qid AND m.msg_id = id AND (expected_read_ct IS NULL OR m.read_ct = expected_read_ct);
    IF FOUND THEN
        PERFORM pg_notify('pokepedia_queue', queue_name);
        RETURN true;
    END IF;
    RETURN false;
END
$fn$;

-- Moves a message to the archive as dead-lettered, with its last error.
CREATE FUNCTION pokepedia_queue_dead_letter(queue_name text, id bigint, error text,
                                            expected_read_ct integer DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    n   bigint;
BEGIN
    WITH d AS (DELETE FROM pokepedia_queue_messages m
                WHERE m.queue_id = qid AND m.msg_id = id AND (expected_read_ct IS NULL OR m.read_ct = expected_read_ct)
            RETURNING m.*)
    INSERT INTO pokepedia_queue_archive (msg_id, enqueued_at, vt, queue_id, read_ct, dead, message, headers, last_error)
    SELECT d.msg_id, d.enqueued_at, d.vt, d.queue_id, d.read_ct, true, d.message, d.headers, coalesce(error, d.last_error)
      FROM d;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM pokepedia_queue_count(qid, 0, n);
    RETURN n > 0;
END
$fn$;

-- Hands claimed but unstarted messages back: visible at once, and the read that claimed them does not count.
CREATE FUNCTION pokepedia_queue_release(queue_name text, ids bigint[]) RETURNS bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    n   bigint;
BEGIN
    UPDATE pokepedia_queue_messages m SET vt = now(), read_ct = greatest(m.read_ct - 1, 0)
     WHERE m.queue_id = qid AND m.msg_id = ANY (ids);
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        PERFORM pg_notify('pokepedia_queue', queue_name);
    END IF;
    RETURN n;
END
$fn$;

-- Puts dead-lettered messages (all of the queue's, or those ids) back on the queue, visible now, read count 0.
CREATE FUNCTION pokepedia_queue_redrive(queue_name text, ids bigint[] DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    n   bigint;
BEGIN
    WITH d AS (DELETE FROM pokepedia_queue_archive a
                WHERE a.queue_id = qid AND a.dead AND (ids IS NULL OR a.msg_id = ANY (ids))
            RETURNING a.*)
    INSERT INTO pokepedia_queue_messages (msg_id, enqueued_at, vt, queue_id, read_ct, message, headers, last_error)
        OVERRIDING SYSTEM VALUE
    SELECT d.msg_id, d.enqueued_at, now(), d.queue_id, 0, d.message, d.headers, d.last_error FROM d;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM pokepedia_queue_count(qid, 0, -n);
    IF n > 0 THEN
        PERFORM pg_notify('pokepedia_queue', queue_name);
    END IF;
    RETURN n;
END
$fn$;

-- Milliseconds until the queue's next message becomes visible (<= 0: one is visible now; null: queue empty).
-- Lets a waiting reader sleep exactly until a delayed or backed-off message is due instead of polling.
CREATE FUNCTION pokepedia_queue_next_visible_in(queue_name text) RETURNS double precision
    LANGUAGE sql STABLE AS
$fn$
SELECT extract(epoch FROM min(m.vt) - now()) * 1000
  FROM pokepedia_queue_messages m
 WHERE m.queue_id = pokepedia_queue_id(queue_name)
$fn$;

-- Metrics of one queue (or all, with null). Cheap at any backlog: length comes from the counters, the invisible
-- count is an index range scan over in-flight and delayed messages only, the ages are two index probes.
-- Ages are those of the lowest and highest message id (ids follow enqueue order).
CREATE FUNCTION pokepedia_queue_metrics(queue_name text DEFAULT NULL)
    RETURNS TABLE (queue text, queue_length bigint, queue_visible_length bigint, oldest_msg_age_sec double precision,
                   newest_msg_age_sec double precision, total_messages bigint, scrape_time timestamptz)
    LANGUAGE sql STABLE AS
$fn$
SELECT q.name,
       s.sent - s.removed,
       s.sent - s.removed - (SELECT count(*) FROM pokepedia_queue_messages m WHERE m.queue_id = q.queue_id AND m.vt > now()),
       extract(epoch FROM now() - (SELECT m.enqueued_at FROM pokepedia_queue_messages m
                                    WHERE m.queue_id = q.queue_id ORDER BY m.msg_id LIMIT 1))::double precision,
       extract(epoch FROM now() - (SELECT m.enqueued_at FROM pokepedia_queue_messages m
                                    WHERE m.queue_id = q.queue_id ORDER BY m.msg_id DESC LIMIT 1))::double precision,
       s.sent,
       now()
  FROM pokepedia_queues q
 CROSS JOIN LATERAL (SELECT coalesce(sum(st.sent), 0)::bigint AS sent, coalesce(sum(st.removed), 0)::bigint AS removed
                       FROM pokepedia_queue_stats st WHERE st.queue_id = q.queue_id) s
 WHERE queue_name IS NULL OR q.name = queue_name
 ORDER BY q.name
$fn$;
