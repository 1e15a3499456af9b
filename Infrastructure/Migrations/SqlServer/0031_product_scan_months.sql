-- Scans per product and month replace scans per lot and month (see the SQLite migration product_scan_months).
CREATE TABLE product_scan_months (
    product_id  uniqueidentifier NOT NULL CONSTRAINT fk_product_scan_months_product REFERENCES products (id),
    month       int    NOT NULL,
    scans       bigint NOT NULL,
    CONSTRAINT pk_product_scan_months PRIMARY KEY CLUSTERED (product_id, month)
);
INSERT INTO product_scan_months (product_id, month, scans)
SELECT b.product_id, m.month, SUM(m.scans) FROM scan_months m JOIN batches b ON b.id = m.batch_id GROUP BY b.product_id, m.month;
DROP TABLE scan_months;
