-- A product's search name (0026, the catalogue's folded name) is not part of any public record: setting it, as the
-- start-up backfill does for every product written before 0026, must not mark every batch's record stale. At the
-- benchmark's scale that mark cost a rebuild of 100,000 records behind the first minutes of reads. The trigger now
-- fires on the columns a record shows (a column added to products later is added here if a record shows it).
DROP TRIGGER tr_products_record_update;
CREATE TRIGGER tr_products_record_update AFTER UPDATE OF producer_id, name, name_en, gtin, category, description, standards, shelf_life_days,
    image_url, created_at, updated_at ON products
BEGIN
    UPDATE public_records SET gtin = NEW.gtin
        WHERE NEW.gtin IS NOT OLD.gtin AND batch_id IN (SELECT id FROM batches WHERE product_id = NEW.id);
    UPDATE batches SET record_version = record_version + 1
        WHERE product_id = NEW.id
           OR id IN (SELECT bp.child_id FROM batch_parents bp JOIN batches b ON b.id = bp.parent_id WHERE b.product_id = NEW.id);
END;
