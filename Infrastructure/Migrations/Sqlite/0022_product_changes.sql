-- Certified facts stay true (README, "OCOP certifications"): every change to a product's name, category or GTIN — what
-- an authority certifies — is kept (who, when, from what), and a certification's page says when the product has changed
-- since (the certification keeps the facts it was given for, migration 0018).
CREATE TABLE product_changes (
    seq         INTEGER PRIMARY KEY,
    product_id  BLOB    NOT NULL REFERENCES products (id),
    field       TEXT    NOT NULL,
    old_value   TEXT    NULL,
    new_value   TEXT    NULL,
    changed_at  TEXT    NOT NULL,
    changed_by  BLOB    NULL         -- the API key that made it
);
CREATE INDEX ix_product_changes_product ON product_changes (product_id, seq);
