-- The public OCOP catalogue searches products by name as shoppers type it (no accents, any case): the folded name is
-- kept beside the name, written with it; products stored before are folded at the next start.
ALTER TABLE products ADD COLUMN search_name TEXT NULL;
