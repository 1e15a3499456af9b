-- Item serials are seen only by their producer (see the SQLite migration 0020_items_digest.sql).
ALTER TABLE events ADD items_digest nvarchar(64) COLLATE Latin1_General_100_BIN2 NULL;
