-- Counterfeit signals per lot (see the SQLite migration lot_signals).
CREATE TABLE lot_signals (
    batch_id          uniqueidentifier NOT NULL CONSTRAINT pk_lot_signals PRIMARY KEY CLUSTERED CONSTRAINT fk_lot_signals_batch REFERENCES batches (id),
    copied_items      bigint NOT NULL CONSTRAINT df_lot_signals_copied DEFAULT 0,
    pin_failures      bigint NOT NULL CONSTRAINT df_lot_signals_pins DEFAULT 0,
    lockouts          bigint NOT NULL CONSTRAINT df_lot_signals_lockouts DEFAULT 0,
    unissued_scans    bigint NOT NULL CONSTRAINT df_lot_signals_unissued DEFAULT 0,
    voided_scans      bigint NOT NULL CONSTRAINT df_lot_signals_voided DEFAULT 0,
    first_item_scans  bigint NOT NULL CONSTRAINT df_lot_signals_first DEFAULT 0
);
ALTER TABLE serial_activity ADD copied_at datetimeoffset(3) NULL;
