-- A lot's public record lists its product's and its own producer links (record format 11): adding or removing one
-- raises the record's version in the same transaction, as every change to what a record shows does (record_versions).
-- Only the default flags change in place, and the record does not show them.
CREATE TRIGGER tr_producer_links_record_insert AFTER INSERT ON producer_links
BEGIN
    UPDATE batches SET record_version = record_version + 1
    WHERE product_id = NEW.product_id AND (NEW.lot_number IS NULL OR lot_number = NEW.lot_number);
END;

CREATE TRIGGER tr_producer_links_record_delete AFTER DELETE ON producer_links
BEGIN
    UPDATE batches SET record_version = record_version + 1
    WHERE product_id = OLD.product_id AND (OLD.lot_number IS NULL OR lot_number = OLD.lot_number);
END;
