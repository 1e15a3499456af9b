-- Readiness writes this row: a probe that reads (SELECT 1) stays green on a full log or a read-only database.
CREATE TABLE health_probe (
    id         int               NOT NULL CONSTRAINT pk_health_probe PRIMARY KEY,
    probed_at  datetimeoffset(3) NOT NULL
);
INSERT INTO health_probe (id, probed_at) VALUES (1, '2000-01-01T00:00:00+00:00');
