-- Events may name the items they concern (shipping a carton of 24 jars): their serials, in the event's own row (hashed
-- with the event, docs/hash-chain.md) and in event_items, where an item's page finds its steps in one seek. No foreign
-- keys: events are append-only, and the rows are written in the same transaction as the event.
ALTER TABLE events ADD COLUMN items TEXT NULL;

CREATE TABLE event_items (
    serial    TEXT NOT NULL,
    event_id  BLOB NOT NULL,
    PRIMARY KEY (serial, event_id)
) WITHOUT ROWID;
