-- Authorities act within their remit, and their decisions can be withdrawn (see the SQLite migration
-- 0018_remit_and_withdrawals.sql).
ALTER TABLE authorities ADD province_code nvarchar(2) NULL;

ALTER TABLE ocop_certifications ADD
    issuer_level       nvarchar(20)   NULL,
    product_name       nvarchar(200)  NULL,
    product_category   nvarchar(20)   NULL,
    product_gtin       nvarchar(14)   COLLATE Latin1_General_100_BIN2 NULL,
    withdrawn_at       datetimeoffset(7) NULL,
    withdrawn_by       uniqueidentifier NULL,
    withdrawn_by_name  nvarchar(200)  NULL,
    withdrawal_reason  nvarchar(1000) NULL;
GO

UPDATE c SET issuer_level = a.level FROM ocop_certifications c JOIN authorities a ON a.id = c.authority_id;
UPDATE c SET product_name = p.name, product_category = p.category, product_gtin = p.gtin
    FROM ocop_certifications c JOIN products p ON p.id = c.product_id;
