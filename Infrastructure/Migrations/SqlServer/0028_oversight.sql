-- The OCOP office's reports (see the SQLite migration oversight).
CREATE INDEX ix_producers_province ON producers (province_code);
