-- The live sync path: its two queues, what the crawler knows about each document upstream, and the schedules.

-- why max_reads 10: the worker dead-letters after its own max attempts (6 by default); the queue-level limit is the
-- guard against a message whose worker keeps crashing before it can record anything
SELECT pokepedia_queue_create('pokepedia_ingest', 10);
SELECT pokepedia_queue_create('pokepedia_sprites', 10);

-- Per document: the validators upstream sent with the version we stored, so the next fetch can be conditional.
CREATE TABLE pokepedia_crawl_state (
    resource_type text        NOT NULL,
    resource_key  text        NOT NULL,
    url           text        NOT NULL,  -- where it was last fetched
    etag          text,
    last_modified text,
    sha256        text,                  -- the stored version these validators belong to
    last_status   integer     NOT NULL,  -- 200, 304, 404
    checked_at    timestamptz NOT NULL DEFAULT now(),
    changed_at    timestamptz,           -- last time a fetch changed the stored document
    PRIMARY KEY (resource_type, resource_key)
) WITH (fillfactor = 80); -- why: a re-crawl rewrites every row's checked_at; room on the page keeps those HOT

-- Cron schedules. A process fires a due schedule by moving next_run_at forward with a compare-and-set on the old
-- value, so with any number of processes each due time fires once.
CREATE TABLE pokepedia_schedules (
    name             text        PRIMARY KEY,
    cron             text        NOT NULL,  -- five-field Unix cron, evaluated in UTC
    task             text        NOT NULL,  -- seed | retry-failed-assets | archive-cleanup
    enabled          boolean     NOT NULL DEFAULT true,
    next_run_at      timestamptz NOT NULL,
    last_run_at      timestamptz,
    last_result      text,                  -- ok | failed
    last_duration_ms bigint,
    last_error       text,
    last_summary     text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
