-- Each part a view reads (the record's JSON, the page in each language, the default QR image) in a row of its own, so
-- that a view reads the ~10 KB it serves instead of walking past the other parts of one ~30 KB row. public_records
-- keeps what the audit and the Digital Link need: the batch's GTIN and lot, so that a Digital Link is one seek.
-- Stored records are derived data: they are dropped here and rewritten on first read or by the next audit pass.
DROP TABLE public_records;

CREATE TABLE public_records (
    batch_id      uniqueidentifier NOT NULL CONSTRAINT pk_public_records PRIMARY KEY CONSTRAINT fk_public_records_batch REFERENCES batches (id),
    code          nvarchar(16)   NOT NULL CONSTRAINT ux_public_records_code UNIQUE,
    gtin          nvarchar(14)   NULL,
    lot_number    nvarchar(20)   NOT NULL,
    chain_valid   int            NOT NULL,
    head_hash     nvarchar(64)   NULL,
    refreshed_at  datetimeoffset(3) NOT NULL
);

CREATE INDEX ix_public_records_gtin_lot ON public_records (gtin, lot_number);

-- part: 0 the record as UTF-8 JSON (without the scan figures), 1 the Vietnamese page, 2 the English page, 3 the QR
-- code as PNG at the default size and error correction. version: the record's version, or the QR image's ETag.
CREATE TABLE public_parts (
    code      nvarchar(16)     NOT NULL,
    part      int              NOT NULL,
    batch_id  uniqueidentifier NOT NULL CONSTRAINT fk_public_parts_record REFERENCES public_records (batch_id),
    version   nvarchar(40)     NOT NULL,
    body      varbinary(max)   NOT NULL,
    CONSTRAINT pk_public_parts PRIMARY KEY CLUSTERED (code, part)
);
