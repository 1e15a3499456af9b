-- Scans per product and month replace scans per lot and month (0029): the OCOP office's scans report reads a
-- province's products' months (at the benchmark's scale 120,000 rows for 10,000 products, where the lots' 1,200,000
-- months took a second to add up). The scan flush adds each chunk's tallies grouped by product and month.
CREATE TABLE product_scan_months (
    product_id  BLOB    NOT NULL REFERENCES products (id),
    month       INTEGER NOT NULL,
    scans       INTEGER NOT NULL,
    PRIMARY KEY (product_id, month)
) WITHOUT ROWID;
INSERT INTO product_scan_months (product_id, month, scans)
SELECT b.product_id, m.month, SUM(m.scans) FROM scan_months m JOIN batches b ON b.id = m.batch_id GROUP BY b.product_id, m.month;
DROP TABLE scan_months;
