-- Who holds a pending idempotency key: the holding process's liveness lease (leases.name, renewed every few seconds
-- while the process runs) and the request's own token. A key whose holder's lease ran out (the process died, e.g.
-- behind a load balancer that sends the client's retry to another process) is taken over at once instead of after
-- two minutes; only the request holding the token may complete or release it, so a key is never completed twice.
ALTER TABLE idempotency_keys ADD COLUMN holder TEXT NULL;
ALTER TABLE idempotency_keys ADD COLUMN token TEXT NULL;
