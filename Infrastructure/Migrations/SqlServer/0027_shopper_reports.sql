-- Shoppers' reports (see the SQLite migration shopper_reports).
CREATE TABLE shopper_reports (
    seq           bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_shopper_reports PRIMARY KEY CLUSTERED,
    id            uniqueidentifier NOT NULL CONSTRAINT uq_shopper_reports_id UNIQUE,
    receipt       varchar(10) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT uq_shopper_reports_receipt UNIQUE,
    batch_id      uniqueidentifier NOT NULL CONSTRAINT fk_shopper_reports_batch REFERENCES batches (id),
    producer_id   uniqueidentifier NOT NULL CONSTRAINT fk_shopper_reports_producer REFERENCES producers (id),
    province_code nvarchar(2) NULL,
    serial        varchar(20) COLLATE Latin1_General_100_BIN2 NULL,
    reason        nvarchar(30)   NOT NULL,
    message       nvarchar(1000) NOT NULL,
    phone         nvarchar(20)   NULL,
    client        varchar(32)    NOT NULL,
    status        nvarchar(20)   NOT NULL,
    answer        nvarchar(2000) NULL,
    answered_by   nvarchar(200)  NULL,
    answered_at   datetimeoffset(7) NULL,
    created_at    datetimeoffset(7) NOT NULL,
    created_unix_ms bigint NOT NULL
);
CREATE INDEX ix_shopper_reports_producer ON shopper_reports (producer_id, seq);
CREATE INDEX ix_shopper_reports_province ON shopper_reports (province_code, seq);
CREATE INDEX ix_shopper_reports_client ON shopper_reports (client, created_unix_ms);
