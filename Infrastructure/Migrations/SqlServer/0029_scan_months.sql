-- Scans of each lot per month (see the SQLite migration scan_months).
CREATE TABLE scan_months (
    batch_id  uniqueidentifier NOT NULL CONSTRAINT fk_scan_months_batch REFERENCES batches (id),
    month     int    NOT NULL,
    scans     bigint NOT NULL,
    CONSTRAINT pk_scan_months PRIMARY KEY CLUSTERED (batch_id, month)
);
