-- Authorities act within their remit, and their decisions can be withdrawn (README, "Who may do what").
-- A province authority's province, as its official two-digit code (Domain/Provinces.cs); filled at start-up from the
-- province name for authorities registered before, where the name resolves.
ALTER TABLE authorities ADD COLUMN province_code TEXT NULL;

-- A certification keeps the level of the authority that recorded it (a province decision cannot replace a current
-- national one), the product facts it was given for (a product renamed after certification shows that it was), and its
-- withdrawal (by its issuer or a higher level, with a reason; nothing is deleted).
ALTER TABLE ocop_certifications ADD COLUMN issuer_level TEXT NULL;
ALTER TABLE ocop_certifications ADD COLUMN product_name TEXT NULL;
ALTER TABLE ocop_certifications ADD COLUMN product_category TEXT NULL;
ALTER TABLE ocop_certifications ADD COLUMN product_gtin TEXT NULL;
ALTER TABLE ocop_certifications ADD COLUMN withdrawn_at TEXT NULL;
ALTER TABLE ocop_certifications ADD COLUMN withdrawn_by BLOB NULL;
ALTER TABLE ocop_certifications ADD COLUMN withdrawn_by_name TEXT NULL;
ALTER TABLE ocop_certifications ADD COLUMN withdrawal_reason TEXT NULL;

UPDATE ocop_certifications SET issuer_level = (SELECT a.level FROM authorities a WHERE a.id = ocop_certifications.authority_id);
-- Certifications recorded before: the product as it is now is the best record of what was certified.
UPDATE ocop_certifications SET
    product_name = (SELECT p.name FROM products p WHERE p.id = ocop_certifications.product_id),
    product_category = (SELECT p.category FROM products p WHERE p.id = ocop_certifications.product_id),
    product_gtin = (SELECT p.gtin FROM products p WHERE p.id = ocop_certifications.product_id);
