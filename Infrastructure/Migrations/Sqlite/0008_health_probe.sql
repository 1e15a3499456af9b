-- Readiness writes this row: a probe that reads (SELECT 1) stays green on a full disk or a read-only file.
CREATE TABLE health_probe (
    id         INTEGER NOT NULL PRIMARY KEY,
    probed_at  TEXT    NOT NULL
);
INSERT INTO health_probe (id, probed_at) VALUES (1, '2000-01-01 00:00:00+00:00');
