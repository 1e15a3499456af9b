-- Long writes never stall other producers (README, "Limits"): an issue of serials is written a chunk at a time, each
-- chunk its own short transaction, and counts only once its last transaction sets completed_at. Until then its
-- serials are found by no scan and its file is handed to no one; an issue a dead process left incomplete is removed
-- at the next start. Issues made before were written in one transaction: complete.
ALTER TABLE serial_issues ADD COLUMN completed_at TEXT NULL;
UPDATE serial_issues SET completed_at = created_at;
