-- Keep each batch's events together on disk, in chain order: a public record reads them with one range seek instead
-- of one page per event (events of a batch arrive days apart, interleaved with every other batch's).
ALTER TABLE events DROP CONSTRAINT ux_events_batch_sequence;
ALTER TABLE events DROP CONSTRAINT pk_events;
ALTER TABLE events DROP COLUMN seq;
ALTER TABLE events ADD CONSTRAINT pk_events PRIMARY KEY CLUSTERED (batch_id, sequence);
