-- Onboarding within a province: a producer can be deactivated (its writes refused, its records kept and shown with a
-- notice) and reactivated, by the admin or an authority whose remit covers its province; every such act, and its
-- registration, is kept with who, when and why.
ALTER TABLE producers ADD COLUMN deactivated_at TEXT NULL;
ALTER TABLE producers ADD COLUMN deactivation_reason TEXT NULL;

CREATE TABLE producer_acts (
    seq          INTEGER PRIMARY KEY,
    producer_id  BLOB    NOT NULL REFERENCES producers (id),
    act          TEXT    NOT NULL,    -- registered, deactivated, reactivated
    by_role      TEXT    NOT NULL,    -- admin, authority
    by_id        BLOB    NULL,        -- the authority (null: the admin)
    by_name      TEXT    NOT NULL,
    reason       TEXT    NULL,
    at           TEXT    NOT NULL
);
CREATE INDEX ix_producer_acts_producer ON producer_acts (producer_id, seq);
