-- A product's search name is not part of any public record (see the SQLite migration search_name_not_in_record).
DROP TRIGGER tr_products_record_update;
GO

CREATE TRIGGER tr_products_record_update ON products AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF NOT (UPDATE(producer_id) OR UPDATE(name) OR UPDATE(name_en) OR UPDATE(gtin) OR UPDATE(category) OR UPDATE(description)
            OR UPDATE(standards) OR UPDATE(shelf_life_days) OR UPDATE(image_url) OR UPDATE(created_at) OR UPDATE(updated_at))
        RETURN;
    UPDATE r SET gtin = i.gtin FROM public_records r JOIN batches b ON b.id = r.batch_id JOIN inserted i ON i.id = b.product_id;
    DECLARE @changed TABLE (batch_id uniqueidentifier PRIMARY KEY);
    INSERT INTO @changed (batch_id)
        SELECT id FROM batches WHERE product_id IN (SELECT id FROM inserted)
        UNION SELECT bp.child_id FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE b.product_id IN (SELECT id FROM inserted);
    UPDATE batches SET record_version = record_version + 1 WHERE id IN (SELECT batch_id FROM @changed);
END;
GO
