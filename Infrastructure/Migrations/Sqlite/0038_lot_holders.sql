-- Everyone in the chain on the same lot (README, "Distributors and retailers"): a shipping event that names its receiver
-- (events.receiver_id, an account) makes that account a holder of the lot (lot_holders), which may then record its own
-- events about it (events.recorded_by: who recorded an event that is not the batch's producer's). Both are in the
-- batch's hash chain (docs/hash-chain.md).
CREATE TABLE lot_holders (
    batch_id    BLOB NOT NULL REFERENCES batches (id),
    holder_id   BLOB NOT NULL REFERENCES producers (id),
    event_id    BLOB NOT NULL,
    granted_at  TEXT NOT NULL,
    PRIMARY KEY (batch_id, holder_id)
) WITHOUT ROWID;
CREATE INDEX ix_lot_holders_holder ON lot_holders (holder_id, batch_id);

ALTER TABLE events ADD COLUMN recorded_by BLOB NULL;
ALTER TABLE events ADD COLUMN receiver_id BLOB NULL;
