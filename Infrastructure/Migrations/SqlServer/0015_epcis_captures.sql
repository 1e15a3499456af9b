-- EPCIS 2.0 capture jobs and the eventIDs they captured (see the SQLite migration 0014_epcis_captures.sql).
CREATE TABLE epcis_captures (
    seq            bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_epcis_captures PRIMARY KEY CLUSTERED,
    id             uniqueidentifier NOT NULL CONSTRAINT ux_epcis_captures_id UNIQUE,
    producer_id    uniqueidentifier NOT NULL CONSTRAINT fk_epcis_captures_producer REFERENCES producers (id),
    event_count    int NOT NULL,
    skipped_count  int NOT NULL,
    created_at     datetimeoffset(7) NOT NULL
);

CREATE TABLE epcis_captured_events (
    producer_id  uniqueidentifier NOT NULL,
    event_uri    nvarchar(400) NOT NULL,
    event_id     uniqueidentifier NOT NULL,
    capture_id   uniqueidentifier NOT NULL CONSTRAINT fk_epcis_captured_events_capture REFERENCES epcis_captures (id),
    CONSTRAINT pk_epcis_captured_events PRIMARY KEY CLUSTERED (producer_id, event_uri)
);
