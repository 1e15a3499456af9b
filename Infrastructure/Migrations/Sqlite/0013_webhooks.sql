-- Webhooks (README, "Webhooks"): subscriptions, and a transactional outbox that the dispatcher delivers from.
-- webhooks: an account's subscription — where to (url), which kinds (events, space-separated), its signing secret
-- (Standard Webhooks, whsec_…; the previous one also signs until previous_secret_until after a rotation), whether it is
-- enabled and, once disabled for failing, why. failing_since: when the deliveries started failing (cleared by a success).
-- The secrets are sealed with Webhooks:SecretKey (AES-256-GCM, "sealed1:…") when it is set (Infrastructure/Webhooks/WebhookSecrets.cs).
CREATE TABLE webhooks (
    seq                    INTEGER PRIMARY KEY,
    id                     BLOB    NOT NULL UNIQUE,
    owner_role             TEXT    NOT NULL,
    owner_id               BLOB    NULL,
    url                    TEXT    NOT NULL,
    events                 TEXT    NOT NULL,
    description            TEXT    NULL,
    enabled                INTEGER NOT NULL,
    disabled_reason        TEXT    NULL,
    secret                 TEXT    NOT NULL,
    previous_secret        TEXT    NULL,
    previous_secret_until  TEXT    NULL,
    failing_since          TEXT    NULL,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL
);
CREATE INDEX ix_webhooks_owner ON webhooks (owner_id, seq);

-- The outbox: each announcement, written in the same transaction as the change it announces, once, whoever receives
-- it. id is the Standard Webhooks message id (webhook-id), the same on every attempt. dedupe_key: announcements made by
-- a schedule (a certification's expiry 30 and 7 days ahead) are made once however many processes run the schedule.
CREATE TABLE webhook_messages (
    seq         INTEGER PRIMARY KEY,
    id          BLOB    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    dedupe_key  TEXT    NULL,
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_webhook_messages_dedupe ON webhook_messages (dedupe_key) WHERE dedupe_key IS NOT NULL;

-- One row per (subscription, message): pending until delivered or given up (failed). A dispatcher takes a delivery by
-- a lease (lease_holder until lease_until_unix_ms, Unix ms): a process that dies mid-delivery lets the lease run out and
-- another delivers again (at least once). Only the oldest pending delivery of a subscription is taken (in order).
CREATE TABLE webhook_deliveries (
    seq                    INTEGER PRIMARY KEY,
    id                     BLOB    NOT NULL UNIQUE,
    webhook_id             BLOB    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    message_id             BLOB    NOT NULL REFERENCES webhook_messages (id),
    status                 TEXT    NOT NULL,
    attempts               INTEGER NOT NULL DEFAULT 0,
    next_attempt_unix_ms   INTEGER NOT NULL,
    lease_holder           TEXT    NULL,
    lease_until_unix_ms    INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT    NOT NULL,
    finished_at            TEXT    NULL
);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq) WHERE status = 'pending';
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_unix_ms) WHERE status = 'pending';

-- Each attempt: when, the answer's status (null when none came), how long it took, the error, and at most 1 KB of the
-- answer's body.
CREATE TABLE webhook_attempts (
    seq               INTEGER PRIMARY KEY,
    delivery_id       BLOB    NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at      TEXT    NOT NULL,
    status_code       INTEGER NULL,
    latency_ms        INTEGER NOT NULL,
    error             TEXT    NULL,
    response_excerpt  TEXT    NULL
);
CREATE INDEX ix_webhook_attempts_delivery ON webhook_attempts (delivery_id, seq);
