-- scan_counts' times as integers (Unix milliseconds), as serial_activity's (0015): every busy second's flush rewrites
-- rows of this table all over it, and every view of a record reads its row; ISO-8601 text was over half of each row.
CREATE TABLE scan_counts_compact (
    batch_id          BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    scan_count        INTEGER NOT NULL,
    first_scanned_at  INTEGER NOT NULL,
    last_scanned_at   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO scan_counts_compact (batch_id, scan_count, first_scanned_at, last_scanned_at)
    SELECT batch_id, scan_count,
           CAST(round((julianday(first_scanned_at) - 2440587.5) * 86400000.0) AS INTEGER),
           CAST(round((julianday(last_scanned_at) - 2440587.5) * 86400000.0) AS INTEGER)
    FROM scan_counts;
DROP TABLE scan_counts;
ALTER TABLE scan_counts_compact RENAME TO scan_counts;
