-- Verdicts no single client can fake (see the SQLite migration 0021_item_evidence.sql).
CREATE TABLE serial_sightings (
    serial      varchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL,
    client      varchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    first_seen  datetimeoffset(3) NOT NULL,
    CONSTRAINT pk_serial_sightings PRIMARY KEY CLUSTERED (serial, client)
);

ALTER TABLE serial_activity ADD
    distinct_clients     int NOT NULL CONSTRAINT df_serial_activity_clients DEFAULT 0,
    pin_failures_total   bigint NOT NULL CONSTRAINT df_serial_activity_pin_failures DEFAULT 0,
    last_pin_failure_at  datetimeoffset(3) NULL,
    lockouts             int NOT NULL CONSTRAINT df_serial_activity_lockouts DEFAULT 0;

CREATE TABLE pin_clients (
    client         varchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_pin_clients PRIMARY KEY CLUSTERED,
    failures       int NOT NULL,
    window_start   datetimeoffset(3) NOT NULL,
    blocked_until  datetimeoffset(3) NULL
);
