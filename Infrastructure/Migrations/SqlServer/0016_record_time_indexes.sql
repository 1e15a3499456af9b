-- EPCIS partners poll by record time (GE_recordTime: "what was recorded since my last poll"). Without these, every poll
-- read every event and every batch. A new row's record time is "now", so each write adds its entry at the end.
CREATE INDEX ix_events_recorded ON events (recorded_at);
CREATE INDEX ix_batches_created ON batches (created_at);
