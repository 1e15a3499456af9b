-- How often each batch's public page was opened (no personal data: no address, no user agent).
CREATE TABLE scan_counts (
    batch_id          uniqueidentifier NOT NULL CONSTRAINT pk_scan_counts PRIMARY KEY CONSTRAINT fk_scan_counts_batch REFERENCES batches (id),
    scan_count        bigint NOT NULL,
    first_scanned_at  datetimeoffset(3) NOT NULL,
    last_scanned_at   datetimeoffset(3) NOT NULL
);
