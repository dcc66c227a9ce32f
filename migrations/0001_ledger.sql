-- Run ledger, backfills, schedule ticks and the hash-chained audit log.
-- Portable between SQLite and PostgreSQL: times are RFC 3339 UTC text (sortable), counts BIGINT.

CREATE TABLE runs (
    id               TEXT PRIMARY KEY,
    job              TEXT NOT NULL,
    partition_key    TEXT NOT NULL,
    attempt          BIGINT NOT NULL,
    max_attempts     BIGINT NOT NULL,
    status           TEXT NOT NULL,
    trigger_kind     TEXT NOT NULL,
    trigger_ref      TEXT,
    actor            TEXT NOT NULL,
    backfill_id      TEXT,
    approval         TEXT,
    approved_by      TEXT,
    queued_at        TEXT NOT NULL,
    not_before       TEXT NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    worker           TEXT,
    heartbeat_at     TEXT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    wake_token       TEXT,
    woken_at         TEXT,
    config_hash      TEXT NOT NULL,
    code_version     TEXT NOT NULL,
    inputs           TEXT,
    outputs          TEXT,
    error            TEXT
);
-- At most one live (queued or running) attempt per job and partition: the enqueue guard that
-- makes two schedulers, or a scheduler and a backfill, unable to double-enqueue.
CREATE UNIQUE INDEX runs_one_live ON runs (job, partition_key) WHERE status IN ('queued', 'running');
CREATE INDEX runs_by_partition ON runs (job, partition_key, attempt);
CREATE INDEX runs_by_status ON runs (status, job);
CREATE INDEX runs_by_backfill ON runs (backfill_id);

CREATE TABLE backfills (
    id           TEXT PRIMARY KEY,
    job          TEXT NOT NULL,
    from_key     TEXT NOT NULL,
    to_key       TEXT NOT NULL,
    only_mode    TEXT NOT NULL,
    order_mode   TEXT NOT NULL,
    concurrency  BIGINT NOT NULL,
    status       TEXT NOT NULL,
    actor        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);

-- One row per (job, tick) the scheduler has handled: inserting it is the scheduler's claim, so
-- two schedulers seeing the same tick enqueue its partition once.
CREATE TABLE schedule_ticks (
    job           TEXT NOT NULL,
    tick_at       TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    run_id        TEXT,
    PRIMARY KEY (job, tick_at)
);

-- How far each job's schedule has been examined (catch-up starts here after downtime).
CREATE TABLE schedule_watermarks (
    job          TEXT PRIMARY KEY,
    checked_to   TEXT NOT NULL
);

CREATE TABLE audit_events (
    seq        BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
