-- EPCIS partners poll by record time (GE_recordTime: "what was recorded since my last poll"). Without these, every poll
-- read every event and every batch (~0.35 s a poll at 1,000,000 events, growing with the data). The expressions are the
-- query's own ({instant}(x) is julianday(x) here), so that SQLite can use them; a new row's record time is "now", so
-- each write adds its entry at the end of the index.
CREATE INDEX ix_events_recorded ON events (julianday(recorded_at));
CREATE INDEX ix_batches_created ON batches (julianday(created_at));
