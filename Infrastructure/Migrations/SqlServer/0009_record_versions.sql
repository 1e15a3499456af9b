-- Whether a stored public record is current lives in the database, written by the change itself (docs/public-records.md).
-- batches.record_version counts the changes to what a batch's public record shows: the triggers below add one in the
-- same transaction as every such change, whoever makes it. It sits on the batch's row because an append already
-- writes that row. public_records.built_version is the version the stored parts were built from: a record is stale
-- while the two differ, and a build only replaces parts built from a lower version. changes_on is the first Vietnam
-- date on which the record shows something else with no write; built_on the date it was built. The worker that
-- rebuilds records nobody reads compares the two versions batch by batch. Stored records are derived data: the old ones are dropped and every batch starts stale. Identifiers are compared byte for byte
-- (GS1 keys are case-sensitive), as on SQLite.
DROP TABLE public_parts;
DROP TABLE public_records;

ALTER TABLE batches ADD record_version bigint NOT NULL CONSTRAINT df_batches_record_version DEFAULT 1;

CREATE TABLE public_records (
    batch_id       uniqueidentifier NOT NULL CONSTRAINT pk_public_records PRIMARY KEY CONSTRAINT fk_public_records_batch REFERENCES batches (id),
    code           nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT ux_public_records_code UNIQUE,
    gtin           nvarchar(14) COLLATE Latin1_General_100_BIN2 NULL,
    lot_number     nvarchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL,
    built_version  bigint NOT NULL CONSTRAINT df_public_records_built_version DEFAULT 0,
    built_on       date NULL,
    changes_on     date NULL
);
CREATE INDEX ix_public_records_gtin_lot ON public_records (gtin, lot_number);
CREATE INDEX ix_public_records_changes_on ON public_records (changes_on) WHERE changes_on IS NOT NULL;

-- part: 0 the record's JSON, 1 the Vietnamese page, 2 the English page, each gzip-compressed with its per-view slots
-- open (Api/PublicRecords/Building/SlottedGzip.cs); 3 the QR code as PNG at the default size and error correction.
-- version: the record's ETag, or the QR image's.
CREATE TABLE public_parts (
    code      nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    part      int              NOT NULL,
    batch_id  uniqueidentifier NOT NULL CONSTRAINT fk_public_parts_record REFERENCES public_records (batch_id),
    version   nvarchar(40)     NOT NULL,
    body      varbinary(max)   NOT NULL,
    CONSTRAINT pk_public_parts PRIMARY KEY CLUSTERED (code, part)
);

INSERT INTO public_records (batch_id, code, gtin, lot_number)
    SELECT b.id, b.code, p.gtin, b.lot_number FROM batches b JOIN products p ON p.id = b.product_id;

-- The hash-chain audit: how far each batch's chain has been verified, and which process runs the audit (a lease).
-- Times compared in SQL are Unix milliseconds on both databases: integers compare as instants whatever the offset.
CREATE TABLE chain_audits (
    batch_id   uniqueidentifier NOT NULL CONSTRAINT pk_chain_audits PRIMARY KEY CONSTRAINT fk_chain_audits_batch REFERENCES batches (id),
    sequence   bigint       NOT NULL,
    hash       nvarchar(64) NULL,
    broken_at  bigint       NULL
);

CREATE TABLE leases (
    name             nvarchar(60)  NOT NULL CONSTRAINT pk_leases PRIMARY KEY,
    holder           nvarchar(100) NOT NULL,
    expires_unix_ms  bigint        NOT NULL
);

-- What every stored record was built with that the tables do not hold (the public base URL, the page's format): when
-- it differs at start-up, every record is marked stale.
CREATE TABLE settings (
    name   nvarchar(60)   NOT NULL CONSTRAINT pk_settings PRIMARY KEY,
    value  nvarchar(2000) NOT NULL
);
GO

-- A new batch has a record, stale until first built.
CREATE TRIGGER tr_batches_record_insert ON batches AFTER INSERT AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO public_records (batch_id, code, gtin, lot_number)
        SELECT i.id, i.code, p.gtin, i.lot_number FROM inserted i JOIN products p ON p.id = i.product_id;
END;
GO

-- The batch itself: a recall, anything else it shows. Not its chain counters (an append marks the record itself) nor the
-- version itself.
CREATE TRIGGER tr_batches_record_update ON batches AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF NOT (UPDATE(product_id) OR UPDATE(producer_id) OR UPDATE(lot_number) OR UPDATE(code) OR UPDATE(produced_on)
            OR UPDATE(expires_on) OR UPDATE(quantity) OR UPDATE(unit) OR UPDATE(origin_name) OR UPDATE(origin_commune)
            OR UPDATE(origin_province) OR UPDATE(origin_latitude) OR UPDATE(origin_longitude) OR UPDATE(created_at)
            OR UPDATE(recalled_at) OR UPDATE(recall_reason))
        RETURN;
    UPDATE batches SET record_version = record_version + 1 WHERE id IN (SELECT id FROM inserted);
END;
GO

-- Events changed or removed behind the API's back: the record must show the broken chain at once. An append marks the
-- record in the statement that moves the batch's head (EventRepository).
CREATE TRIGGER tr_events_record_change ON events AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE batches SET record_version = record_version + 1
        WHERE id IN (SELECT batch_id FROM inserted UNION SELECT batch_id FROM deleted);
END;
GO

-- Inputs: the child's "made from" section.
CREATE TRIGGER tr_batch_parents_record_change ON batch_parents AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE batches SET record_version = record_version + 1
        WHERE id IN (SELECT child_id FROM inserted UNION SELECT child_id FROM deleted);
END;
GO

-- A product: its batches, and the batches made from them (their "made from" section names it). Its GTIN is also
-- what a Digital Link is looked up by.
CREATE TRIGGER tr_products_record_update ON products AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE r SET gtin = i.gtin FROM public_records r JOIN batches b ON b.id = r.batch_id JOIN inserted i ON i.id = b.product_id;
    DECLARE @changed TABLE (batch_id uniqueidentifier PRIMARY KEY);
    INSERT INTO @changed (batch_id)
        SELECT id FROM batches WHERE product_id IN (SELECT id FROM inserted)
        UNION SELECT bp.child_id FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE b.product_id IN (SELECT id FROM inserted);
    UPDATE batches SET record_version = record_version + 1 WHERE id IN (SELECT batch_id FROM @changed);
END;
GO

-- A producer: its batches, and the batches made from them (their "made from" section names it).
CREATE TRIGGER tr_producers_record_update ON producers AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @changed TABLE (batch_id uniqueidentifier PRIMARY KEY);
    INSERT INTO @changed (batch_id)
        SELECT id FROM batches WHERE producer_id IN (SELECT id FROM inserted)
        UNION SELECT bp.child_id FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE b.producer_id IN (SELECT id FROM inserted);
    UPDATE batches SET record_version = record_version + 1 WHERE id IN (SELECT batch_id FROM @changed);
END;
GO

-- OCOP certifications: every batch of the product.
CREATE TRIGGER tr_ocop_certifications_record_change ON ocop_certifications AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE batches SET record_version = record_version + 1
        WHERE product_id IN (SELECT product_id FROM inserted UNION SELECT product_id FROM deleted);
END;
GO
