-- What a partner sends is stored as sent, or refused (README, "EPCIS 2.0 REST binding"): the EPCIS fields of a captured
-- event that this API's own events do not carry — the partner's eventID, the action, the disposition, the quantity and
-- its unit, the lot master data (ilmd) — are kept beside the event and are what queries return for it. They are the
-- partner's statement, outside the batch's hash chain (whose event hashes the step, place, time, actor, note,
-- attributes, certificates and items); the event's CBV hash stays available as ocop:eventHash.
CREATE TABLE epcis_event_fields (
    event_id     BLOB NOT NULL PRIMARY KEY,
    event_uri    TEXT NULL,
    action       TEXT NOT NULL,
    disposition  TEXT NULL,
    quantity     TEXT NULL,
    uom          TEXT NULL,
    ilmd         TEXT NULL
) WITHOUT ROWID;
