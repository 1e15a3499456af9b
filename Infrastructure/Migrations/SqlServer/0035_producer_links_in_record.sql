-- A lot's public record lists its producer links (see the SQLite migration producer_links_in_record).
CREATE TRIGGER tr_producer_links_record ON producer_links AFTER INSERT, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE b SET record_version = b.record_version + 1
    FROM batches b
    WHERE EXISTS (SELECT 1 FROM inserted i WHERE i.product_id = b.product_id AND (i.lot_number IS NULL OR i.lot_number = b.lot_number))
       OR EXISTS (SELECT 1 FROM deleted d WHERE d.product_id = b.product_id AND (d.lot_number IS NULL OR d.lot_number = b.lot_number));
END;
GO
