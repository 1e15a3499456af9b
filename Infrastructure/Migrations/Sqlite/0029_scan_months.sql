-- Scans of each lot per month (Vietnam time, yyyymm), added by the scan flush with its lot tallies, so that the OCOP
-- office's scans report reads a province's lots' months, never every scan.
CREATE TABLE scan_months (
    batch_id  BLOB    NOT NULL REFERENCES batches (id),
    month     INTEGER NOT NULL,
    scans     INTEGER NOT NULL,
    PRIMARY KEY (batch_id, month)
) WITHOUT ROWID;
