-- EPCIS 2.0 REST binding's named queries and subscriptions to them (README, "EPCIS for partners"). A query is its
-- owner's (owner_id: the producer or authority; the nil GUID for the admin) and is stored as the SimpleEventQuery's
-- parameters (a query string). A subscription delivers the query's new results to a webhook of its owner (webhook_id,
-- created with it: signing, retries, SSRF rules and the deliveries log are the webhooks'), either after each capture
-- (stream) or on a schedule (its cron-like fields, JSON); cursor_time is the record time up to which results were
-- delivered, next_run_unix_ms when a scheduled one runs next, lease_until_unix_ms which process runs it now.
CREATE TABLE epcis_queries (
    seq          INTEGER PRIMARY KEY,
    id           BLOB    NOT NULL UNIQUE,
    owner_role   TEXT    NOT NULL,
    owner_id     BLOB    NOT NULL,
    name         TEXT    NOT NULL,
    query        TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_epcis_queries_name ON epcis_queries (owner_role, owner_id, name);

CREATE TABLE epcis_subscriptions (
    seq                  INTEGER PRIMARY KEY,
    id                   BLOB    NOT NULL UNIQUE,
    query_id             BLOB    NOT NULL REFERENCES epcis_queries (id),
    webhook_id           BLOB    NOT NULL,
    stream               INTEGER NOT NULL,
    schedule             TEXT    NULL,
    report_if_empty      INTEGER NOT NULL,
    cursor_time          TEXT    NOT NULL,
    next_run_unix_ms     INTEGER NOT NULL,
    lease_until_unix_ms  INTEGER NOT NULL,
    created_at           TEXT    NOT NULL
);
CREATE INDEX ix_epcis_subscriptions_query ON epcis_subscriptions (query_id);
CREATE INDEX ix_epcis_subscriptions_due ON epcis_subscriptions (next_run_unix_ms);
