-- The public record of each batch as served (JSON without the scan figures), rewritten after every change to what it
-- shows, so that a scan reads one row instead of assembling the record from six tables.
CREATE TABLE public_records (
    batch_id      uniqueidentifier NOT NULL CONSTRAINT pk_public_records PRIMARY KEY CONSTRAINT fk_public_records_batch REFERENCES batches (id),
    code          nvarchar(16)   NOT NULL CONSTRAINT ux_public_records_code UNIQUE,
    version       nvarchar(40)   NOT NULL,
    chain_valid   int            NOT NULL,
    head_hash     nvarchar(64)   NULL,
    record        varbinary(max) NOT NULL,
    page_vi       varbinary(max) NULL,
    page_en       varbinary(max) NULL,
    refreshed_at  datetimeoffset(3) NOT NULL
);
