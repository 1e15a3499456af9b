-- Counterfeit signals per lot, kept as they happen so that the OCOP office's report reads a province's lots, never
-- their items: items that passed the copied-label warning (counted once each: copied_at), wrong PINs and lock-outs,
-- scans of serials the producer never issued for the lot (read from the lot's own page address), scans of voided
-- serials, and items' first scans. Counts start with this migration: items already past the warning are counted when
-- next scanned.
CREATE TABLE lot_signals (
    batch_id          BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    copied_items      INTEGER NOT NULL DEFAULT 0,
    pin_failures      INTEGER NOT NULL DEFAULT 0,
    lockouts          INTEGER NOT NULL DEFAULT 0,
    unissued_scans    INTEGER NOT NULL DEFAULT 0,
    voided_scans      INTEGER NOT NULL DEFAULT 0,
    first_item_scans  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
ALTER TABLE serial_activity ADD COLUMN copied_at INTEGER NULL;
