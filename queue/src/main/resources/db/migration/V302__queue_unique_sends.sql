-- Unique sends: a message may carry a key; while a message with that key is in the queue (visible, in flight or
-- delayed), sending another with the same key does nothing. The seeder uses the document, the ingest worker the
-- asset, so re-seeding never doubles pending work, even with several seeders at once.
ALTER TABLE pokepedia_queue_messages ADD COLUMN dedupe_key text;
-- why partial: messages without a key (most) cost nothing here; the index holds only keyed messages in the queue
CREATE UNIQUE INDEX pokepedia_queue_messages_dedupe_idx ON pokepedia_queue_messages (queue_id, dedupe_key)
    WHERE dedupe_key IS NOT NULL;

-- Sends the messages whose key has no message in the queue yet (and the first of equal keys in one call); returns
-- the ids of those sent, in order.
CREATE FUNCTION pokepedia_queue_send_unique(queue_name text, msgs jsonb[], keys text[], delay interval DEFAULT '0')
    RETURNS SETOF bigint
    LANGUAGE plpgsql AS
$fn$
DECLARE
    qid integer := pokepedia_queue_id(queue_name);
    ids bigint[];
BEGIN
    IF cardinality(keys) IS DISTINCT FROM cardinality(msgs) THEN
        RAISE EXCEPTION '% keys for % messages', cardinality(keys), cardinality(msgs)
            USING ERRCODE = '22023', HINT = 'Pass one key per message.';
    END IF;
    IF coalesce(cardinality(msgs), 0) = 0 THEN
        RETURN;
    END IF;
    WITH ins AS (
        INSERT INTO pokepedia_queue_messages (queue_id, vt, message, dedupe_key)
        SELECT qid, now() + greatest(coalesce(delay, '0'), '0'), u.msg, u.k
          FROM unnest(msgs, keys) WITH ORDINALITY AS u(msg, k, ord)
         ORDER BY u.ord
        ON CONFLICT (queue_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING msg_id)
    SELECT array_agg(ins.msg_id ORDER BY ins.msg_id) INTO ids FROM ins;
    IF ids IS NOT NULL THEN
        PERFORM pokepedia_queue_count(qid, cardinality(ids), 0);
        PERFORM pg_notify('pokepedia_queue', queue_name);
    END IF;
    RETURN QUERY SELECT unnest(ids);
END
$fn$;
