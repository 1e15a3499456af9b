-- Certified facts stay true (see the SQLite migration 0022_product_changes.sql).
CREATE TABLE product_changes (
    seq         bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_product_changes PRIMARY KEY CLUSTERED,
    product_id  uniqueidentifier NOT NULL CONSTRAINT fk_product_changes_product REFERENCES products (id),
    field       nvarchar(20)  NOT NULL,
    old_value   nvarchar(200) NULL,
    new_value   nvarchar(200) NULL,
    changed_at  datetimeoffset(7) NOT NULL,
    changed_by  uniqueidentifier NULL
);
CREATE INDEX ix_product_changes_product ON product_changes (product_id, seq);
