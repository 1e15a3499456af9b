-- Everyone in the chain on the same lot (see the SQLite migration 0038_lot_holders.sql).
CREATE TABLE lot_holders (
    batch_id    uniqueidentifier NOT NULL CONSTRAINT fk_lot_holders_batch REFERENCES batches (id),
    holder_id   uniqueidentifier NOT NULL CONSTRAINT fk_lot_holders_holder REFERENCES producers (id),
    event_id    uniqueidentifier NOT NULL,
    granted_at  datetimeoffset(7) NOT NULL,
    CONSTRAINT pk_lot_holders PRIMARY KEY CLUSTERED (batch_id, holder_id)
);
CREATE INDEX ix_lot_holders_holder ON lot_holders (holder_id, batch_id);

ALTER TABLE events ADD recorded_by uniqueidentifier NULL;
ALTER TABLE events ADD receiver_id uniqueidentifier NULL;
