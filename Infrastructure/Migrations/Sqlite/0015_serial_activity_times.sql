-- serial_activity's times as integers (Unix milliseconds, what SQL Server's datetimeoffset(3) keeps) instead of
-- ISO-8601 text: a row shrinks from ~90 to ~35 bytes. Every item scan of a busy second is an upsert at a random place
-- in this table (serials are random), so a flush dirties nearly every page of it; rows a third the size are a third of
-- the pages written to the WAL and checkpointed (bench/NOTES.md item 19).
CREATE TABLE serial_activity_compact (
    serial            TEXT    NOT NULL PRIMARY KEY,
    scan_count        INTEGER NOT NULL DEFAULT 0,
    first_scanned_at  INTEGER NULL,
    last_scanned_at   INTEGER NULL,
    verified_at       INTEGER NULL,
    verify_count      INTEGER NOT NULL DEFAULT 0,
    failed_pins       INTEGER NOT NULL DEFAULT 0,
    locked_until      INTEGER NULL
) WITHOUT ROWID;

INSERT INTO serial_activity_compact
    (serial, scan_count, first_scanned_at, last_scanned_at, verified_at, verify_count, failed_pins, locked_until)
SELECT serial, scan_count,
       CAST(round((julianday(first_scanned_at) - 2440587.5) * 86400000.0) AS INTEGER),
       CAST(round((julianday(last_scanned_at) - 2440587.5) * 86400000.0) AS INTEGER),
       CAST(round((julianday(verified_at) - 2440587.5) * 86400000.0) AS INTEGER),
       verify_count, failed_pins,
       CAST(round((julianday(locked_until) - 2440587.5) * 86400000.0) AS INTEGER)
FROM serial_activity;

DROP TABLE serial_activity;
ALTER TABLE serial_activity_compact RENAME TO serial_activity;
