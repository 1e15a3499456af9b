-- Each part a view reads (the record's JSON, the page in each language, the default QR image) in a row of its own, so
-- that a view reads the ~10 KB it serves instead of walking past the other parts of one ~30 KB row (measured: a page
-- view cost a quarter less CPU). public_records keeps what the audit and the Digital Link need: the batch's GTIN and
-- lot, so that a Digital Link is one seek. Stored records are derived data: they are dropped here and rewritten on
-- first read or by the next audit pass.
DROP TABLE public_records;

CREATE TABLE public_records (
    batch_id      BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    code          TEXT    NOT NULL UNIQUE,
    gtin          TEXT    NULL,
    lot_number    TEXT    NOT NULL,
    chain_valid   INTEGER NOT NULL,
    head_hash     TEXT    NULL,
    refreshed_at  TEXT    NOT NULL
);

CREATE INDEX ix_public_records_gtin_lot ON public_records (gtin, lot_number);

-- part: 0 the record as UTF-8 JSON (without the scan figures), 1 the Vietnamese page, 2 the English page, 3 the QR
-- code as PNG at the default size and error correction. version: the record's version, or the QR image's ETag.
CREATE TABLE public_parts (
    code      TEXT    NOT NULL,
    part      INTEGER NOT NULL,
    batch_id  BLOB    NOT NULL REFERENCES public_records (batch_id),
    version   TEXT    NOT NULL,
    body      BLOB    NOT NULL,
    PRIMARY KEY (code, part)
);

-- Every view reads its batch's scan tally beside its part: WITHOUT ROWID makes that one seek (the table is clustered
-- by batch) instead of a seek in the primary-key index and another in the table. (SQL Server's primary key is already
-- clustered.)
CREATE TABLE scan_counts_clustered (
    batch_id          BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    scan_count        INTEGER NOT NULL,
    first_scanned_at  TEXT    NOT NULL,
    last_scanned_at   TEXT    NOT NULL
) WITHOUT ROWID;
INSERT INTO scan_counts_clustered (batch_id, scan_count, first_scanned_at, last_scanned_at)
    SELECT batch_id, scan_count, first_scanned_at, last_scanned_at FROM scan_counts;
DROP TABLE scan_counts;
ALTER TABLE scan_counts_clustered RENAME TO scan_counts;
