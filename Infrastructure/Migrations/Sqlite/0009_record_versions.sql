-- Whether a stored public record is current lives in the database, written by the change itself (docs/public-records.md).
-- batches.record_version counts the changes to what a batch's public record shows: the triggers below add one in the
-- same transaction as every such change, whoever makes it (any API process, a script, an operator's UPDATE). It sits on
-- the batch's row because an append already writes that row: marking costs no page the write did not touch anyway
-- (a version on public_records doubled the pages a bulk sync wrote, and cost a third of its throughput).
-- public_records.built_version is the version the stored parts were built from: a record is stale while the two
-- differ, and a build only replaces parts built from a lower version. changes_on is the first Vietnam date on which the
-- record shows something else with no write (an OCOP certification starting or ending); built_on the date it was built.
-- The worker that rebuilds records nobody reads finds stale ones by comparing the two versions batch by batch, paced:
-- a change log table cost every write one more page. Stored records are derived data: the old ones are dropped, every
-- batch starts stale.
DROP TABLE public_parts;
DROP TABLE public_records;

ALTER TABLE batches ADD COLUMN record_version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE public_records (
    batch_id       BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    code           TEXT    NOT NULL UNIQUE,
    gtin           TEXT    NULL,
    lot_number     TEXT    NOT NULL,
    built_version  INTEGER NOT NULL DEFAULT 0,
    built_on       TEXT    NULL,
    changes_on     TEXT    NULL
) WITHOUT ROWID;
CREATE INDEX ix_public_records_gtin_lot ON public_records (gtin, lot_number);
CREATE INDEX ix_public_records_changes_on ON public_records (changes_on) WHERE changes_on IS NOT NULL;

-- part: 0 the record's JSON, 1 the Vietnamese page, 2 the English page, each gzip-compressed with its per-view slots
-- open (Api/PublicRecords/Building/SlottedGzip.cs: ~2.5 KB where the plain part took two 8 KiB pages); 3 the QR code
-- as PNG at the default size and error correction. version: the record's ETag, or the QR image's. A rowid table (not
-- WITHOUT ROWID): SQLite keeps large rows of a WITHOUT ROWID table mostly in overflow pages (measured: a read took 4×
-- as long).
CREATE TABLE public_parts (
    code      TEXT    NOT NULL,
    part      INTEGER NOT NULL,
    batch_id  BLOB    NOT NULL REFERENCES public_records (batch_id),
    version   TEXT    NOT NULL,
    body      BLOB    NOT NULL,
    PRIMARY KEY (code, part)
);

INSERT INTO public_records (batch_id, code, gtin, lot_number)
    SELECT b.id, b.code, p.gtin, b.lot_number FROM batches b JOIN products p ON p.id = b.product_id;

-- A new batch has a record, stale until first built.
CREATE TRIGGER tr_batches_record_insert AFTER INSERT ON batches
BEGIN
    INSERT INTO public_records (batch_id, code, gtin, lot_number)
        SELECT NEW.id, NEW.code, p.gtin, NEW.lot_number FROM products p WHERE p.id = NEW.product_id;
END;

-- The batch itself: a recall, anything else it shows. Not its chain counters (an append marks the record itself) nor the
-- version itself.
CREATE TRIGGER tr_batches_record_update AFTER UPDATE OF product_id, producer_id, lot_number, code, produced_on, expires_on,
    quantity, unit, origin_name, origin_commune, origin_province, origin_latitude, origin_longitude, created_at,
    recalled_at, recall_reason ON batches
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE id = NEW.id;
END;

-- Events changed or removed behind the API's back: the record must show the broken chain at once. An append marks the
-- record in the statement that moves the batch's head (EventRepository): a trigger per appended event cost a fifth of
-- the write throughput.
CREATE TRIGGER tr_events_record_update AFTER UPDATE ON events
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE id IN (OLD.batch_id, NEW.batch_id);
END;
CREATE TRIGGER tr_events_record_delete AFTER DELETE ON events
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE id = OLD.batch_id;
END;

-- Inputs: the child's "made from" section.
CREATE TRIGGER tr_batch_parents_record_insert AFTER INSERT ON batch_parents
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE id = NEW.child_id;
END;
CREATE TRIGGER tr_batch_parents_record_delete AFTER DELETE ON batch_parents
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE id = OLD.child_id;
END;

-- A product: its batches, and the batches made from them (their "made from" section names it). Its GTIN is also
-- what a Digital Link is looked up by.
CREATE TRIGGER tr_products_record_update AFTER UPDATE ON products
BEGIN
    UPDATE public_records SET gtin = NEW.gtin
        WHERE NEW.gtin IS NOT OLD.gtin AND batch_id IN (SELECT id FROM batches WHERE product_id = NEW.id);
    UPDATE batches SET record_version = record_version + 1
        WHERE product_id = NEW.id
           OR id IN (SELECT bp.child_id FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE b.product_id = NEW.id);
END;

-- A producer: its batches, and the batches made from them (their "made from" section names it).
CREATE TRIGGER tr_producers_record_update AFTER UPDATE ON producers
BEGIN
    UPDATE batches SET record_version = record_version + 1
        WHERE producer_id = NEW.id
           OR id IN (SELECT bp.child_id FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE b.producer_id = NEW.id);
END;

-- OCOP certifications: every batch of the product.
CREATE TRIGGER tr_ocop_certifications_record_insert AFTER INSERT ON ocop_certifications
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER tr_ocop_certifications_record_update AFTER UPDATE ON ocop_certifications
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE product_id IN (OLD.product_id, NEW.product_id);
END;
CREATE TRIGGER tr_ocop_certifications_record_delete AFTER DELETE ON ocop_certifications
BEGIN
    UPDATE batches SET record_version = record_version + 1 WHERE product_id = OLD.product_id;
END;

-- The hash-chain audit: how far each batch's chain has been verified, and which process runs the audit (a lease).
-- Times compared in SQL are Unix milliseconds on both databases: integers compare as instants whatever the offset.
CREATE TABLE chain_audits (
    batch_id        BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    sequence        INTEGER NOT NULL,
    hash            TEXT    NULL,
    broken_at       INTEGER NULL
) WITHOUT ROWID;

CREATE TABLE leases (
    name              TEXT    NOT NULL PRIMARY KEY,
    holder            TEXT    NOT NULL,
    expires_unix_ms   INTEGER NOT NULL
) WITHOUT ROWID;

-- What every stored record was built with that the tables do not hold (the public base URL, the page's format): when
-- it differs at start-up, every record is marked stale.
CREATE TABLE settings (
    name   TEXT NOT NULL PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
