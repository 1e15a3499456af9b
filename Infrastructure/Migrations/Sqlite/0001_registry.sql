-- Producers, authorities, API keys, products, OCOP certifications, batches.
-- seq is the rowid: the clustered key and the keyset-paging position; id is the public identifier.
CREATE TABLE producers (
    seq            INTEGER PRIMARY KEY,
    id             BLOB    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    tax_code       TEXT    NULL,
    address_line   TEXT    NULL,
    commune        TEXT    NOT NULL,
    province       TEXT    NOT NULL,
    commune_code   TEXT    NULL,
    province_code  TEXT    NULL,
    phone          TEXT    NULL,
    email          TEXT    NULL,
    created_at     TEXT    NOT NULL
);

CREATE TABLE authorities (
    seq            INTEGER PRIMARY KEY,
    id             BLOB    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    level          TEXT    NOT NULL,
    province       TEXT    NULL,
    created_at     TEXT    NOT NULL
);

CREATE TABLE api_keys (
    seq            INTEGER PRIMARY KEY,
    id             BLOB    NOT NULL UNIQUE,
    key_hash       BLOB    NOT NULL UNIQUE,
    role           TEXT    NOT NULL,
    owner_id       BLOB    NULL,
    hint           TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    revoked_at     TEXT    NULL
);
CREATE INDEX ix_api_keys_owner ON api_keys (owner_id);

CREATE TABLE products (
    seq              INTEGER PRIMARY KEY,
    id               BLOB    NOT NULL UNIQUE,
    producer_id      BLOB    NOT NULL REFERENCES producers (id),
    name             TEXT    NOT NULL,
    name_en          TEXT    NULL,
    gtin             TEXT    NULL,
    category         TEXT    NOT NULL,
    description      TEXT    NULL,
    standards        TEXT    NOT NULL,
    shelf_life_days  INTEGER NULL,
    image_url        TEXT    NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_products_gtin ON products (gtin) WHERE gtin IS NOT NULL;
CREATE INDEX ix_products_producer ON products (producer_id, seq);

CREATE TABLE ocop_certifications (
    seq              INTEGER PRIMARY KEY,
    id               BLOB    NOT NULL UNIQUE,
    product_id       BLOB    NOT NULL REFERENCES products (id),
    authority_id     BLOB    NOT NULL REFERENCES authorities (id),
    stars            INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),
    decision_number  TEXT    NOT NULL,
    issued_by        TEXT    NOT NULL,
    issued_on        TEXT    NOT NULL,
    valid_until      TEXT    NOT NULL,
    created_at       TEXT    NOT NULL
);
CREATE INDEX ix_ocop_certifications_product ON ocop_certifications (product_id, issued_on);

CREATE TABLE batches (
    seq              INTEGER PRIMARY KEY,
    id               BLOB    NOT NULL UNIQUE,
    product_id       BLOB    NOT NULL REFERENCES products (id),
    producer_id      BLOB    NOT NULL REFERENCES producers (id),
    lot_number       TEXT    NOT NULL,
    code             TEXT    NOT NULL UNIQUE,
    produced_on      TEXT    NOT NULL,
    expires_on       TEXT    NULL,
    quantity         TEXT    NULL,
    unit             TEXT    NULL,
    origin_name      TEXT    NULL,
    origin_commune   TEXT    NULL,
    origin_province  TEXT    NULL,
    origin_latitude  REAL    NULL,
    origin_longitude REAL    NULL,
    created_at       TEXT    NOT NULL,
    UNIQUE (product_id, lot_number)
);
CREATE INDEX ix_batches_producer ON batches (producer_id, seq);
CREATE INDEX ix_batches_product ON batches (product_id, seq);
