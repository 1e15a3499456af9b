-- EPCIS 2.0 capture (README, "EPCIS for partners"): each capture job, and the eventIDs it captured, so that sending a
-- document again (a partner's retry) records nothing twice. An eventID is unique per producer.
CREATE TABLE epcis_captures (
    seq            INTEGER PRIMARY KEY,
    id             BLOB    NOT NULL UNIQUE,
    producer_id    BLOB    NOT NULL REFERENCES producers (id),
    event_count    INTEGER NOT NULL,
    skipped_count  INTEGER NOT NULL,
    created_at     TEXT    NOT NULL
);

CREATE TABLE epcis_captured_events (
    producer_id  BLOB    NOT NULL,
    event_uri    TEXT    NOT NULL,
    event_id     BLOB    NOT NULL,
    capture_id   BLOB    NOT NULL REFERENCES epcis_captures (id),
    PRIMARY KEY (producer_id, event_uri)
) WITHOUT ROWID;
