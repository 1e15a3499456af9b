-- Item serials (GS1 AI 21): one code per item of a batch, for anti-counterfeit labels (README, "One code per item").
-- serial_issues: each issuing request (its count, whether its items have PINs, the Idempotency-Key that repeats it).
-- serials: one row per issued item, keyed by the serial itself (random, 11 characters of base64url, 66 bits): what a
-- scan looks up. issue_seq and position (1-based, the order of the printer's file) give the file back in order and
-- name ranges to void. Compact on purpose (10 million rows must stay small): no GUIDs, no per-row timestamps.
-- PINs are never stored: each is derived from its serial with a secret from configuration (Serials:PinSecret).
CREATE TABLE serial_issues (
    seq              INTEGER PRIMARY KEY,
    id               BLOB    NOT NULL UNIQUE,
    batch_id         BLOB    NOT NULL REFERENCES batches (id),
    serial_count     INTEGER NOT NULL,
    with_pin         INTEGER NOT NULL,
    idempotency_key  TEXT    NULL,
    request_hash     TEXT    NULL,
    created_at       TEXT    NOT NULL
);
CREATE INDEX ix_serial_issues_batch ON serial_issues (batch_id);
CREATE UNIQUE INDEX ux_serial_issues_key ON serial_issues (batch_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE serials (
    serial     TEXT    NOT NULL PRIMARY KEY,
    issue_seq  INTEGER NOT NULL REFERENCES serial_issues (seq),
    position   INTEGER NOT NULL,
    voided_at  TEXT    NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_serials_issue_position ON serials (issue_seq, position);

-- What shoppers did with an item's code: scans (buffered, like a batch's) and PIN checks (written through: a lockout
-- must hold in every process). A row exists only once an issued serial has been scanned or checked. No personal data.
CREATE TABLE serial_activity (
    serial            TEXT    NOT NULL PRIMARY KEY,
    scan_count        INTEGER NOT NULL DEFAULT 0,
    first_scanned_at  TEXT    NULL,
    last_scanned_at   TEXT    NULL,
    verified_at       TEXT    NULL,
    verify_count      INTEGER NOT NULL DEFAULT 0,
    failed_pins       INTEGER NOT NULL DEFAULT 0,
    locked_until      TEXT    NULL
) WITHOUT ROWID;
