-- Keep each batch's events together on disk, in chain order: a public record reads them with one range seek instead
-- of one page per event (events of a batch arrive days apart, interleaved with every other batch's).
CREATE TABLE events_by_batch (
    batch_id            BLOB    NOT NULL REFERENCES batches (id),
    sequence            INTEGER NOT NULL,
    id                  BLOB    NOT NULL UNIQUE,
    type                TEXT    NOT NULL,
    occurred_at         TEXT    NOT NULL,
    recorded_at         TEXT    NOT NULL,
    location_name       TEXT    NULL,
    location_latitude   REAL    NULL,
    location_longitude  REAL    NULL,
    location_gln        TEXT    NULL,
    actor               TEXT    NULL,
    note                TEXT    NULL,
    attributes          TEXT    NULL,
    certificates        TEXT    NULL,
    corrects_id         BLOB    NULL,
    previous_hash       TEXT    NULL,
    hash                TEXT    NOT NULL,
    PRIMARY KEY (batch_id, sequence)
) WITHOUT ROWID;

INSERT INTO events_by_batch (batch_id, sequence, id, type, occurred_at, recorded_at, location_name, location_latitude,
    location_longitude, location_gln, actor, note, attributes, certificates, corrects_id, previous_hash, hash)
SELECT batch_id, sequence, id, type, occurred_at, recorded_at, location_name, location_latitude,
    location_longitude, location_gln, actor, note, attributes, certificates, corrects_id, previous_hash, hash
FROM events;

DROP TABLE events;
ALTER TABLE events_by_batch RENAME TO events;
