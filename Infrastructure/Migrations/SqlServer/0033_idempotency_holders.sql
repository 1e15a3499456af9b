-- Who holds a pending idempotency key (see the SQLite migration idempotency_holders): the holding process's liveness
-- lease (leases.name) and the request's own token.
ALTER TABLE idempotency_keys ADD
    holder nvarchar(60) NULL,  -- compared with leases.name: the same (default) collation
    token  nvarchar(40) COLLATE Latin1_General_100_BIN2 NULL;
