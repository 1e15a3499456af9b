-- Events may name the items they concern: their serials in the event's row (hashed with it) and in event_items, where
-- an item's page finds its steps in one seek (see the SQLite migration 0011_event_items.sql).
ALTER TABLE events ADD items nvarchar(max) NULL;

CREATE TABLE event_items (
    serial    varchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL,
    event_id  uniqueidentifier NOT NULL,
    CONSTRAINT pk_event_items PRIMARY KEY CLUSTERED (serial, event_id)
);
