-- Supply-chain events (a hash chain per batch), lineage, recalls, idempotency keys.
ALTER TABLE batches ADD
    last_sequence  bigint NOT NULL CONSTRAINT df_batches_last_sequence DEFAULT 0,
    head_hash      nvarchar(64)   NULL,
    recalled_at    datetimeoffset(7) NULL,
    recall_reason  nvarchar(1000) NULL;

CREATE TABLE events (
    seq                 bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_events PRIMARY KEY CLUSTERED,
    id                  uniqueidentifier NOT NULL CONSTRAINT ux_events_id UNIQUE,
    batch_id            uniqueidentifier NOT NULL CONSTRAINT fk_events_batch REFERENCES batches (id),
    sequence            bigint         NOT NULL,
    type                nvarchar(30)   NOT NULL,
    occurred_at         datetimeoffset(3) NOT NULL,
    recorded_at         datetimeoffset(3) NOT NULL,
    location_name       nvarchar(200)  NULL,
    location_latitude   float          NULL,
    location_longitude  float          NULL,
    location_gln        nvarchar(13)   NULL,
    actor               nvarchar(200)  NULL,
    note                nvarchar(2000) NULL,
    attributes          nvarchar(max)  NULL,
    certificates        nvarchar(max)  NULL,
    corrects_id         uniqueidentifier NULL,
    previous_hash       nvarchar(64)   NULL,
    hash                nvarchar(64)   NOT NULL,
    CONSTRAINT ux_events_batch_sequence UNIQUE (batch_id, sequence)
);

CREATE TABLE batch_parents (
    child_id   uniqueidentifier NOT NULL CONSTRAINT fk_batch_parents_child REFERENCES batches (id),
    parent_id  uniqueidentifier NOT NULL CONSTRAINT fk_batch_parents_parent REFERENCES batches (id),
    quantity   decimal(18,3) NULL,
    CONSTRAINT pk_batch_parents PRIMARY KEY (child_id, parent_id)
);
CREATE INDEX ix_batch_parents_parent ON batch_parents (parent_id);

CREATE TABLE idempotency_keys (
    account          nvarchar(60)   NOT NULL,
    idempotency_key  nvarchar(255)  NOT NULL,
    request_hash     binary(32)     NOT NULL,
    state            nvarchar(10)   NOT NULL,
    status_code      int            NULL,
    location         nvarchar(2000) NULL,
    body             varbinary(max) NULL,
    created_unix_ms  bigint         NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (account, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_unix_ms);
