-- Webhooks: subscriptions, the transactional outbox, deliveries with leases, attempts (see the SQLite migration
-- 0013_webhooks.sql for the design).
CREATE TABLE webhooks (
    seq                    bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhooks PRIMARY KEY CLUSTERED,
    id                     uniqueidentifier NOT NULL CONSTRAINT ux_webhooks_id UNIQUE,
    owner_role             nvarchar(20)   NOT NULL,
    owner_id               uniqueidentifier NULL,
    url                    nvarchar(2000) NOT NULL,
    events                 nvarchar(400)  NOT NULL,
    description            nvarchar(500)  NULL,
    enabled                bit            NOT NULL,
    disabled_reason        nvarchar(500)  NULL,
    secret                 nvarchar(200)  NOT NULL,
    previous_secret        nvarchar(200)  NULL,
    previous_secret_until  datetimeoffset(7) NULL,
    failing_since          datetimeoffset(7) NULL,
    created_at             datetimeoffset(7) NOT NULL,
    updated_at             datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_webhooks_owner ON webhooks (owner_id, seq);

CREATE TABLE webhook_messages (
    seq         bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhook_messages PRIMARY KEY CLUSTERED,
    id          uniqueidentifier NOT NULL CONSTRAINT ux_webhook_messages_id UNIQUE,
    kind        nvarchar(40)   NOT NULL,
    payload     nvarchar(max)  NOT NULL,
    dedupe_key  nvarchar(200)  NULL,
    created_at  datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_webhook_messages_dedupe ON webhook_messages (dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE webhook_deliveries (
    seq                    bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhook_deliveries PRIMARY KEY CLUSTERED,
    id                     uniqueidentifier NOT NULL CONSTRAINT ux_webhook_deliveries_id UNIQUE,
    webhook_id             uniqueidentifier NOT NULL CONSTRAINT fk_webhook_deliveries_webhook REFERENCES webhooks (id) ON DELETE CASCADE,
    message_id             uniqueidentifier NOT NULL CONSTRAINT fk_webhook_deliveries_message REFERENCES webhook_messages (id),
    status                 nvarchar(20)   NOT NULL,
    attempts               int            NOT NULL CONSTRAINT df_webhook_deliveries_attempts DEFAULT 0,
    next_attempt_unix_ms   bigint         NOT NULL,
    lease_holder           nvarchar(100)  NULL,
    lease_until_unix_ms    bigint         NOT NULL CONSTRAINT df_webhook_deliveries_lease DEFAULT 0,
    created_at             datetimeoffset(7) NOT NULL,
    finished_at            datetimeoffset(7) NULL
);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq) WHERE status = 'pending';
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_unix_ms) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    seq               bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_webhook_attempts PRIMARY KEY CLUSTERED,
    delivery_id       uniqueidentifier NOT NULL CONSTRAINT fk_webhook_attempts_delivery REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at      datetimeoffset(7) NOT NULL,
    status_code       int            NULL,
    latency_ms        int            NOT NULL,
    error             nvarchar(500)  NULL,
    response_excerpt  nvarchar(1024) NULL
);
CREATE INDEX ix_webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);
