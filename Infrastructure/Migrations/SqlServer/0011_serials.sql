-- Item serials (GS1 AI 21): one code per item of a batch (see the SQLite migration 0010_serials.sql for the design).
-- Serials are compared byte for byte (GS1 keys are case-sensitive).
CREATE TABLE serial_issues (
    seq              bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_serial_issues PRIMARY KEY,
    id               uniqueidentifier NOT NULL CONSTRAINT ux_serial_issues_id UNIQUE,
    batch_id         uniqueidentifier NOT NULL CONSTRAINT fk_serial_issues_batch REFERENCES batches (id),
    serial_count     int NOT NULL,
    with_pin         bit NOT NULL,
    idempotency_key  nvarchar(64) NULL,
    request_hash     nvarchar(64) NULL,
    created_at       datetimeoffset(3) NOT NULL
);
CREATE INDEX ix_serial_issues_batch ON serial_issues (batch_id);
CREATE UNIQUE INDEX ux_serial_issues_key ON serial_issues (batch_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE serials (
    serial     varchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_serials PRIMARY KEY CLUSTERED,
    issue_seq  bigint NOT NULL CONSTRAINT fk_serials_issue REFERENCES serial_issues (seq),
    position   int NOT NULL,
    voided_at  datetimeoffset(3) NULL
);
CREATE UNIQUE INDEX ux_serials_issue_position ON serials (issue_seq, position);

CREATE TABLE serial_activity (
    serial            varchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_serial_activity PRIMARY KEY CLUSTERED,
    scan_count        bigint NOT NULL CONSTRAINT df_serial_activity_scans DEFAULT 0,
    first_scanned_at  datetimeoffset(3) NULL,
    last_scanned_at   datetimeoffset(3) NULL,
    verified_at       datetimeoffset(3) NULL,
    verify_count      bigint NOT NULL CONSTRAINT df_serial_activity_verified DEFAULT 0,
    failed_pins       int NOT NULL CONSTRAINT df_serial_activity_failed DEFAULT 0,
    locked_until      datetimeoffset(3) NULL
);
