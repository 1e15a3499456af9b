-- Producers' own links in the GS1 resolver: for a product's GTIN (lot_number NULL) or one of its lots, a GS1 Web
-- Vocabulary link type that is not the registry's own, an https target, a title, the language and media type of what it
-- points to; is_default_link: the GTIN's own Digital Link (never a lot's) goes there by default. The resolver reads them by GTIN (the product's, at the time of the read), so a GTIN change carries them.
CREATE TABLE producer_links (
    seq           INTEGER PRIMARY KEY,
    id            BLOB    NOT NULL UNIQUE,
    product_id    BLOB    NOT NULL REFERENCES products (id),
    producer_id   BLOB    NOT NULL REFERENCES producers (id),
    lot_number    TEXT    NULL,
    link_type     TEXT    NOT NULL,
    href          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    language      TEXT    NULL,
    media_type    TEXT    NULL,
    is_default    INTEGER NOT NULL,
    is_default_link INTEGER NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX ix_producer_links_product ON producer_links (product_id, seq);
