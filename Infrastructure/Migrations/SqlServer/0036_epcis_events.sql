-- Every captured EPCIS event, kept as sent (see the SQLite migration 0036_epcis_events.sql).
CREATE TABLE epcis_events (
    seq           bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_epcis_events PRIMARY KEY CLUSTERED,
    id            uniqueidentifier NOT NULL CONSTRAINT ux_epcis_events_id UNIQUE,
    producer_id   uniqueidentifier NOT NULL CONSTRAINT fk_epcis_events_producer REFERENCES producers (id),
    capture_id    uniqueidentifier NOT NULL CONSTRAINT fk_epcis_events_capture REFERENCES epcis_captures (id),
    event_type    varchar(30) NOT NULL,
    event_time    datetimeoffset(7) NOT NULL,
    record_time   datetimeoffset(7) NOT NULL,
    event_uri     nvarchar(400) NULL,
    event_hash    varchar(100) NOT NULL,
    batch_id      uniqueidentifier NULL CONSTRAINT fk_epcis_events_batch REFERENCES batches (id),
    event_id      uniqueidentifier NULL,
    biz_step      nvarchar(400) NULL,
    disposition   nvarchar(400) NULL,
    read_point    nvarchar(400) NULL,
    biz_location  nvarchar(400) NULL,
    body          nvarchar(max) NOT NULL,
    namespaces    nvarchar(max) NULL
);
CREATE INDEX ix_epcis_events_producer ON epcis_events (producer_id, seq);
CREATE INDEX ix_epcis_events_event ON epcis_events (event_id);

CREATE TABLE epcis_event_epcs (
    epc        nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
    kind       char(1) NOT NULL,
    event_id   uniqueidentifier NOT NULL,
    CONSTRAINT pk_epcis_event_epcs PRIMARY KEY CLUSTERED (epc, kind, event_id)
);

-- A captured event's CBV 2.0 hash, in the hash chain of the batch it was attached to (docs/hash-chain.md).
ALTER TABLE events ADD epcis_hash varchar(100) NULL;
