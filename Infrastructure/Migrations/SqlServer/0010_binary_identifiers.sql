-- GS1 identifiers are case-sensitive (lots "ab1" and "AB1" are two lots), and so are tracing codes and idempotency
-- keys; SQL Server's default collation is not. Every column holding one compares byte for byte, as on SQLite.
-- Constraints and indexes on a column must go before its collation can change.
ALTER TABLE batches DROP CONSTRAINT ux_batches_code;
ALTER TABLE batches DROP CONSTRAINT ux_batches_product_lot;
ALTER TABLE batches ALTER COLUMN code nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL;
ALTER TABLE batches ALTER COLUMN lot_number nvarchar(20) COLLATE Latin1_General_100_BIN2 NOT NULL;
ALTER TABLE batches ADD CONSTRAINT ux_batches_code UNIQUE (code);
ALTER TABLE batches ADD CONSTRAINT ux_batches_product_lot UNIQUE (product_id, lot_number);

DROP INDEX ux_products_gtin ON products;
ALTER TABLE products ALTER COLUMN gtin nvarchar(14) COLLATE Latin1_General_100_BIN2 NULL;
CREATE UNIQUE INDEX ux_products_gtin ON products (gtin) WHERE gtin IS NOT NULL;

ALTER TABLE idempotency_keys DROP CONSTRAINT pk_idempotency_keys;
ALTER TABLE idempotency_keys ALTER COLUMN account nvarchar(60) COLLATE Latin1_General_100_BIN2 NOT NULL;
ALTER TABLE idempotency_keys ALTER COLUMN idempotency_key nvarchar(255) COLLATE Latin1_General_100_BIN2 NOT NULL;
ALTER TABLE idempotency_keys ADD CONSTRAINT pk_idempotency_keys PRIMARY KEY (account, idempotency_key);

ALTER TABLE events ALTER COLUMN hash nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL;
ALTER TABLE events ALTER COLUMN previous_hash nvarchar(64) COLLATE Latin1_General_100_BIN2 NULL;
ALTER TABLE batches ALTER COLUMN head_hash nvarchar(64) COLLATE Latin1_General_100_BIN2 NULL;
