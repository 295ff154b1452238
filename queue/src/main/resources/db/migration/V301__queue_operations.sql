-- Operating the queues: pause/resume, throughput per minute, the stats function the dashboard and the plan we
-- replace expect (get_pokepedia_queue_stats), discarding dead letters and trimming the archive.

ALTER TABLE pokepedia_queues ADD COLUMN paused boolean NOT NULL DEFAULT false;

-- Messages finished (deleted or archived, not dead-lettered) per queue and minute, sharded like the counters so
-- concurrent ackers rarely wait on the same row. One upsert per ack batch, not per message.
CREATE TABLE pokepedia_queue_throughput (
    queue_id  integer     NOT NULL,
    minute    timestamptz NOT NULL,
    shard     smallint    NOT NULL,
    processed bigint      NOT NULL,
    PRIMARY KEY (queue_id, minute, shard)
) WITH (fillfactor = 70); -- why: the current minute's rows are updated once per ack batch (HOT, same page)

CREATE FUNCTION pokepedia_queue_processed(qid integer, n bigint) RETURNS void
    LANGUAGE sql AS
$fn$
INSERT INTO pokepedia_queue_throughput AS t (queue_id, minute, shard, processed)
SELECT qid, date_trunc('minute', now()), pg_backend_pid() % 16, n
 WHERE n > 0
ON CONFLICT (queue_id, minute, shard) DO UPDATE SET processed = t.processed + excluded.processed
$fn$;

CREATE OR REPLACE FUNCTION pokepedia_queue_delete(queue_name text, ids bigint[]) RETURNS SETOF bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid  integer := pokepedia_queue_id(queue_name);
    gone bigint[];
BEGIN
    WITH d AS (DELETE FROM pokepedia_queue_messages m WHERE m.queue_id = qid AND m.msg_id = ANY (ids) RETURNING m.msg_id)
    SELECT array_agg(d.msg_id ORDER BY d.msg_id) INTO gone FROM d;
    PERFORM pokepedia_queue_count(qid, 0, coalesce(cardinality(gone), 0));
    PERFORM pokepedia_queue_processed(qid, coalesce(cardinality(gone), 0));
    RETURN QUERY SELECT unnest(gone);
END
$fn$;

CREATE OR REPLACE FUNCTION pokepedia_queue_archive(queue_name text, ids bigint[]) RETURNS SETOF bigint
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
    PERFORM pokepedia_queue_processed(qid, coalesce(cardinality(moved), 0));
    RETURN QUERY SELECT unnest(moved);
END
$fn$;

-- A paused queue hands out nothing: every worker of the cluster stops claiming, in-flight messages finish.
CREATE OR REPLACE FUNCTION pokepedia_queue_read(queue_name text, visibility interval, qty integer,
                                                read_limit integer DEFAULT NULL) RETURNS SETOF pokepedia_queue_message
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid      integer;
    lim      integer;
    is_paused boolean;
    live_ids bigint[];
    dead_ids bigint[];
    n_dead   bigint;
BEGIN
    SELECT q.queue_id, coalesce(read_limit, q.max_reads), q.paused INTO qid, lim, is_paused
      FROM pokepedia_queues q WHERE q.name = queue_name;
    IF qid IS NULL THEN
        PERFORM pokepedia_queue_id(queue_name); -- raises PQ001
    END IF;
    IF is_paused THEN
        RETURN;
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

-- Pauses (true) or resumes (false) a queue; resuming wakes the waiting workers.
CREATE FUNCTION pokepedia_queue_set_paused(queue_name text, pause boolean) RETURNS void
    LANGUAGE plpgsql AS
$fn$
BEGIN
    UPDATE pokepedia_queues q SET paused = pause WHERE q.queue_id = pokepedia_queue_id(queue_name);
    IF NOT pause THEN
        PERFORM pg_notify('pokepedia_queue', queue_name);
    END IF;
END
$fn$;

-- Deletes the queue's dead letters; returns how many.
CREATE FUNCTION pokepedia_queue_discard_dead(queue_name text) RETURNS bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    n bigint;
BEGIN
    DELETE FROM pokepedia_queue_archive a WHERE a.queue_id = pokepedia_queue_id(queue_name) AND a.dead;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$fn$;

-- Trims history: archived (not dead) messages and throughput rows older than keep; returns archived rows deleted.
-- Dead letters stay until someone redrives or discards them.
CREATE FUNCTION pokepedia_queue_cleanup(keep interval DEFAULT '7 days') RETURNS bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    n bigint;
BEGIN
    DELETE FROM pokepedia_queue_archive a WHERE NOT a.dead AND a.archived_at < now() - keep;
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM pokepedia_queue_throughput t WHERE t.minute < now() - greatest(keep, '1 day');
    RETURN n;
END
$fn$;

-- Messages finished per minute since now() - since (minutes without work are absent).
CREATE FUNCTION pokepedia_queue_throughput(queue_name text, since interval DEFAULT '1 hour')
    RETURNS TABLE (minute timestamptz, processed bigint)
    LANGUAGE sql STABLE AS
$fn$
SELECT t.minute, sum(t.processed)::bigint
  FROM pokepedia_queue_throughput t
 WHERE t.queue_id = pokepedia_queue_id(queue_name) AND t.minute >= date_trunc('minute', now() - since)
 GROUP BY t.minute
 ORDER BY t.minute
$fn$;

-- Per queue: depth, visible, age of the oldest message, finished in the last hour, dead letters, paused.
CREATE FUNCTION get_pokepedia_queue_stats()
    RETURNS TABLE (queue_name text, depth bigint, visible bigint, oldest_age_seconds double precision,
                   processed_last_hour bigint, dead_letters bigint, paused boolean)
    LANGUAGE sql STABLE AS
$fn$
SELECT m.queue, m.queue_length, m.queue_visible_length, m.oldest_msg_age_sec,
       (SELECT coalesce(sum(t.processed), 0)::bigint FROM pokepedia_queue_throughput t
         WHERE t.queue_id = q.queue_id AND t.minute > now() - interval '1 hour'),
       (SELECT count(*) FROM pokepedia_queue_archive a WHERE a.queue_id = q.queue_id AND a.dead),
       q.paused
  FROM pokepedia_queue_metrics() m
  JOIN pokepedia_queues q ON q.name = m.queue
 ORDER BY m.queue
$fn$;
