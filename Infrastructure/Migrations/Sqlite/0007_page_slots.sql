-- Stored pages now mark their per-view slots with markup that no HTML-encoded text can contain; pages stored before
-- used markers that a producer's text could imitate. Stored records are derived data: they are dropped here and
-- rewritten on first read or by the next audit pass.
DELETE FROM public_parts;
DELETE FROM public_records;
