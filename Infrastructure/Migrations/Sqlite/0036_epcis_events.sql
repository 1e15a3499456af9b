-- Every captured EPCIS event, kept as sent (README, "EPCIS for partners"): all five event types, every standard field and
-- every extension field, as its canonical JSON (body) with the namespaces its extension prefixes stood for (namespaces,
-- a JSON object), so a query answers the event as it was captured, plus recordTime. event_hash is its CBV 2.0 event
-- hash. An event that names a lot of the capturer's is attached: batch_id and event_id (the events row it feeds, whose
-- place in the batch's hash chain covers event_hash); one that names no lot of this registry is kept for its capturer
-- alone. The columns beside body are what the SimpleEventQuery filters on; epcis_event_epcs lists the identifiers each
-- event names (kind 'i': an instance, in epcList, childEPCs, parentID, inputEPCList, outputEPCList; 'c': a class, in a
-- quantity list).
CREATE TABLE epcis_events (
    seq           INTEGER PRIMARY KEY,
    id            BLOB    NOT NULL UNIQUE,
    producer_id   BLOB    NOT NULL REFERENCES producers (id),
    capture_id    BLOB    NOT NULL REFERENCES epcis_captures (id),
    event_type    TEXT    NOT NULL,
    event_time    TEXT    NOT NULL,
    record_time   TEXT    NOT NULL,
    event_uri     TEXT    NULL,
    event_hash    TEXT    NOT NULL,
    batch_id      BLOB    NULL REFERENCES batches (id),
    event_id      BLOB    NULL,
    biz_step      TEXT    NULL,
    disposition   TEXT    NULL,
    read_point    TEXT    NULL,
    biz_location  TEXT    NULL,
    body          TEXT    NOT NULL,
    namespaces    TEXT    NULL
);
CREATE INDEX ix_epcis_events_producer ON epcis_events (producer_id, seq);
CREATE INDEX ix_epcis_events_event ON epcis_events (event_id);

CREATE TABLE epcis_event_epcs (
    epc        TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    event_id   BLOB    NOT NULL,
    PRIMARY KEY (epc, kind, event_id)
) WITHOUT ROWID;

-- A captured event's CBV 2.0 hash, in the hash chain of the batch it was attached to (docs/hash-chain.md).
ALTER TABLE events ADD COLUMN epcis_hash TEXT NULL;
