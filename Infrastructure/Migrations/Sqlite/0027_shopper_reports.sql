-- Shoppers' reports from a lot's or an item's public page, followed by a receipt code, handled by the producer or an
-- authority of its province. client is the keyed network prefix the report came from (per-client limits), never an address.
CREATE TABLE shopper_reports (
    seq           INTEGER PRIMARY KEY,
    id            BLOB    NOT NULL UNIQUE,
    receipt       TEXT    NOT NULL UNIQUE,
    batch_id      BLOB    NOT NULL REFERENCES batches (id),
    producer_id   BLOB    NOT NULL REFERENCES producers (id),
    province_code TEXT    NULL,
    serial        TEXT    NULL,
    reason        TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    phone         TEXT    NULL,
    client        TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    answer        TEXT    NULL,
    answered_by   TEXT    NULL,
    answered_at   TEXT    NULL,
    created_at    TEXT    NOT NULL,
    created_unix_ms INTEGER NOT NULL
);
CREATE INDEX ix_shopper_reports_producer ON shopper_reports (producer_id, seq);
CREATE INDEX ix_shopper_reports_province ON shopper_reports (province_code, seq);
CREATE INDEX ix_shopper_reports_client ON shopper_reports (client, created_unix_ms);
