-- How often each batch's public page was opened (no personal data: no address, no user agent).
CREATE TABLE scan_counts (
    batch_id          BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    scan_count        INTEGER NOT NULL,
    first_scanned_at  TEXT    NOT NULL,
    last_scanned_at   TEXT    NOT NULL
);
