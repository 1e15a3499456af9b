-- EPCIS 2.0 REST binding's named queries and subscriptions (see the SQLite migration 0037_epcis_queries.sql).
CREATE TABLE epcis_queries (
    seq          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_epcis_queries PRIMARY KEY CLUSTERED,
    id           uniqueidentifier NOT NULL CONSTRAINT ux_epcis_queries_id UNIQUE,
    owner_role   varchar(20) NOT NULL,
    owner_id     uniqueidentifier NOT NULL,
    name         nvarchar(100) NOT NULL,
    query        nvarchar(4000) NOT NULL,
    created_at   datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_epcis_queries_name ON epcis_queries (owner_role, owner_id, name);

CREATE TABLE epcis_subscriptions (
    seq                  bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_epcis_subscriptions PRIMARY KEY CLUSTERED,
    id                   uniqueidentifier NOT NULL CONSTRAINT ux_epcis_subscriptions_id UNIQUE,
    query_id             uniqueidentifier NOT NULL CONSTRAINT fk_epcis_subscriptions_query REFERENCES epcis_queries (id),
    webhook_id           uniqueidentifier NOT NULL,
    stream               bit NOT NULL,
    schedule             nvarchar(1000) NULL,
    report_if_empty      bit NOT NULL,
    cursor_time          datetimeoffset(7) NOT NULL,
    next_run_unix_ms     bigint NOT NULL,
    lease_until_unix_ms  bigint NOT NULL,
    created_at           datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_epcis_subscriptions_query ON epcis_subscriptions (query_id);
CREATE INDEX ix_epcis_subscriptions_due ON epcis_subscriptions (next_run_unix_ms);
