-- Onboarding within a province (see the SQLite migration producer_acts).
ALTER TABLE producers ADD deactivated_at datetimeoffset(7) NULL, deactivation_reason nvarchar(500) NULL;

CREATE TABLE producer_acts (
    seq          bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_producer_acts PRIMARY KEY CLUSTERED,
    producer_id  uniqueidentifier NOT NULL CONSTRAINT fk_producer_acts_producer REFERENCES producers (id),
    act          nvarchar(20)  NOT NULL,
    by_role      nvarchar(20)  NOT NULL,
    by_id        uniqueidentifier NULL,
    by_name      nvarchar(200) NOT NULL,
    reason       nvarchar(500) NULL,
    at           datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_producer_acts_producer ON producer_acts (producer_id, seq);
