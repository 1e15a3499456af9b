-- Verdicts no single client can fake (README, "Item codes"). "This label may have been copied" rests on how many
-- different clients have scanned a code — a client being an address prefix (/24 for IPv4, /48 for IPv6), kept only as a
-- keyed hash — not on raw scans, which one loop can multiply. PIN failures are weighed by client: a client that fails
-- repeatedly is paused, not the item; an item tried from many clients is slowed to one check a minute. Counters per item
-- let its producer see the cloning signal.
CREATE TABLE serial_sightings (
    serial      TEXT    NOT NULL,
    client      TEXT    NOT NULL,   -- 16 hex digits of HMAC-SHA256(key, address prefix)
    first_seen  INTEGER NOT NULL,   -- Unix milliseconds, as serial_activity's times
    PRIMARY KEY (serial, client)
) WITHOUT ROWID;

ALTER TABLE serial_activity ADD COLUMN distinct_clients INTEGER NOT NULL DEFAULT 0;
ALTER TABLE serial_activity ADD COLUMN pin_failures_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE serial_activity ADD COLUMN last_pin_failure_at INTEGER NULL;
ALTER TABLE serial_activity ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;

CREATE TABLE pin_clients (
    client         TEXT    NOT NULL PRIMARY KEY,
    failures       INTEGER NOT NULL,
    window_start   INTEGER NOT NULL,
    blocked_until  INTEGER NULL
) WITHOUT ROWID;
