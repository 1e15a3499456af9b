-- Supply-chain events (a hash chain per batch), lineage, recalls, idempotency keys.
ALTER TABLE batches ADD COLUMN last_sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN head_hash TEXT NULL;
ALTER TABLE batches ADD COLUMN recalled_at TEXT NULL;
ALTER TABLE batches ADD COLUMN recall_reason TEXT NULL;

CREATE TABLE events (
    seq                 INTEGER PRIMARY KEY,
    id                  BLOB    NOT NULL UNIQUE,
    batch_id            BLOB    NOT NULL REFERENCES batches (id),
    sequence            INTEGER NOT NULL,
    type                TEXT    NOT NULL,
    occurred_at         TEXT    NOT NULL,
    recorded_at         TEXT    NOT NULL,
    location_name       TEXT    NULL,
    location_latitude   REAL    NULL,
    location_longitude  REAL    NULL,
    location_gln        TEXT    NULL,
    actor               TEXT    NULL,
    note                TEXT    NULL,
    attributes          TEXT    NULL,
    certificates        TEXT    NULL,
    corrects_id         BLOB    NULL,
    previous_hash       TEXT    NULL,
    hash                TEXT    NOT NULL,
    UNIQUE (batch_id, sequence)
);

CREATE TABLE batch_parents (
    child_id   BLOB NOT NULL REFERENCES batches (id),
    parent_id  BLOB NOT NULL REFERENCES batches (id),
    quantity   TEXT NULL,
    PRIMARY KEY (child_id, parent_id)
);
CREATE INDEX ix_batch_parents_parent ON batch_parents (parent_id);

CREATE TABLE idempotency_keys (
    account          TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL,
    request_hash     BLOB    NOT NULL,
    state            TEXT    NOT NULL,
    status_code      INTEGER NULL,
    location         TEXT    NULL,
    body             BLOB    NULL,
    created_unix_ms  INTEGER NOT NULL,
    PRIMARY KEY (account, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_unix_ms);
