-- The OCOP office's reports read a province's producers first, then their products, certifications and batches through
-- the indexes those already have: a province's report never reads another province's rows.
CREATE INDEX ix_producers_province ON producers (province_code);
