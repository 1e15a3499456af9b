-- Producers, authorities, API keys, products, OCOP certifications, batches.
-- seq is an identity: the clustered key and the keyset-paging position; id is the public identifier.
-- Every string column is nvarchar: Dapper sends strings as nvarchar, and a varchar column would turn seeks into scans.
CREATE TABLE producers (
    seq            bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_producers PRIMARY KEY CLUSTERED,
    id             uniqueidentifier NOT NULL CONSTRAINT ux_producers_id UNIQUE,
    name           nvarchar(200)  NOT NULL,
    kind           nvarchar(40)   NOT NULL,
    tax_code       nvarchar(20)   NULL,
    address_line   nvarchar(300)  NULL,
    commune        nvarchar(100)  NOT NULL,
    province       nvarchar(100)  NOT NULL,
    commune_code   nvarchar(5)    NULL,
    province_code  nvarchar(2)    NULL,
    phone          nvarchar(30)   NULL,
    email          nvarchar(254)  NULL,
    created_at     datetimeoffset(7) NOT NULL
);

CREATE TABLE authorities (
    seq            bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_authorities PRIMARY KEY CLUSTERED,
    id             uniqueidentifier NOT NULL CONSTRAINT ux_authorities_id UNIQUE,
    name           nvarchar(200)  NOT NULL,
    level          nvarchar(20)   NOT NULL,
    province       nvarchar(100)  NULL,
    created_at     datetimeoffset(7) NOT NULL
);

CREATE TABLE api_keys (
    seq            bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_api_keys PRIMARY KEY CLUSTERED,
    id             uniqueidentifier NOT NULL CONSTRAINT ux_api_keys_id UNIQUE,
    key_hash       binary(32)     NOT NULL CONSTRAINT ux_api_keys_hash UNIQUE,
    role           nvarchar(20)   NOT NULL,
    owner_id       uniqueidentifier NULL,
    hint           nvarchar(20)   NOT NULL,
    created_at     datetimeoffset(7) NOT NULL,
    revoked_at     datetimeoffset(7) NULL
);
CREATE INDEX ix_api_keys_owner ON api_keys (owner_id);

CREATE TABLE products (
    seq              bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_products PRIMARY KEY CLUSTERED,
    id               uniqueidentifier NOT NULL CONSTRAINT ux_products_id UNIQUE,
    producer_id      uniqueidentifier NOT NULL CONSTRAINT fk_products_producer REFERENCES producers (id),
    name             nvarchar(200)  NOT NULL,
    name_en          nvarchar(200)  NULL,
    gtin             nvarchar(14)   NULL,
    category         nvarchar(20)   NOT NULL,
    description      nvarchar(4000) NULL,
    standards        nvarchar(max)  NOT NULL,
    shelf_life_days  int            NULL,
    image_url        nvarchar(2000) NULL,
    created_at       datetimeoffset(7) NOT NULL,
    updated_at       datetimeoffset(7) NOT NULL
);
CREATE UNIQUE INDEX ux_products_gtin ON products (gtin) WHERE gtin IS NOT NULL;
CREATE INDEX ix_products_producer ON products (producer_id, seq);

CREATE TABLE ocop_certifications (
    seq              bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_ocop_certifications PRIMARY KEY CLUSTERED,
    id               uniqueidentifier NOT NULL CONSTRAINT ux_ocop_certifications_id UNIQUE,
    product_id       uniqueidentifier NOT NULL CONSTRAINT fk_ocop_certifications_product REFERENCES products (id),
    authority_id     uniqueidentifier NOT NULL CONSTRAINT fk_ocop_certifications_authority REFERENCES authorities (id),
    stars            int            NOT NULL CONSTRAINT ck_ocop_certifications_stars CHECK (stars BETWEEN 3 AND 5),
    decision_number  nvarchar(100)  NOT NULL,
    issued_by        nvarchar(200)  NOT NULL,
    issued_on        date           NOT NULL,
    valid_until      date           NOT NULL,
    created_at       datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_ocop_certifications_product ON ocop_certifications (product_id, issued_on);

CREATE TABLE batches (
    seq              bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_batches PRIMARY KEY CLUSTERED,
    id               uniqueidentifier NOT NULL CONSTRAINT ux_batches_id UNIQUE,
    product_id       uniqueidentifier NOT NULL CONSTRAINT fk_batches_product REFERENCES products (id),
    producer_id      uniqueidentifier NOT NULL CONSTRAINT fk_batches_producer REFERENCES producers (id),
    lot_number       nvarchar(20)   NOT NULL,
    code             nvarchar(16)   NOT NULL CONSTRAINT ux_batches_code UNIQUE,
    produced_on      date           NOT NULL,
    expires_on       date           NULL,
    quantity         decimal(18,3)  NULL,
    unit             nvarchar(3)    NULL,
    origin_name      nvarchar(200)  NULL,
    origin_commune   nvarchar(100)  NULL,
    origin_province  nvarchar(100)  NULL,
    origin_latitude  float          NULL,
    origin_longitude float          NULL,
    created_at       datetimeoffset(7) NOT NULL,
    CONSTRAINT ux_batches_product_lot UNIQUE (product_id, lot_number)
);
CREATE INDEX ix_batches_producer ON batches (producer_id, seq);
CREATE INDEX ix_batches_product ON batches (product_id, seq);
