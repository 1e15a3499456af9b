-- EPCIS partners poll by record time (GE_recordTime: "what was recorded since my last poll"). Without these, every poll
-- read every event and every batch (~0.35 s a poll at 1,000,000 events, growing with the data). The first key is the
-- query's own expression ({instant}(x) is julianday(x) here), so that SQLite can use it; the column itself follows so
-- that the index answers alone (without it, SQLite read each row of the table to evaluate the expression again: ~5 µs
-- an event). A new row's record time is "now", so each write adds its entry at the end of the index.
CREATE INDEX ix_events_recorded ON events (julianday(recorded_at), recorded_at);
CREATE INDEX ix_batches_created ON batches (julianday(created_at), created_at);
