-- Issues of serials written a chunk at a time (see the SQLite migration 0023_serial_issue_completion.sql).
ALTER TABLE serial_issues ADD completed_at datetimeoffset(3) NULL;
GO

UPDATE serial_issues SET completed_at = created_at;
