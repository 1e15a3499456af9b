-- The public OCOP catalogue (see the SQLite migration catalogue).
ALTER TABLE products ADD search_name nvarchar(200) NULL;
