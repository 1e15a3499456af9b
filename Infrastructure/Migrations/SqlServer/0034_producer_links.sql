-- Producers' own links in the GS1 resolver (see the SQLite migration producer_links).
CREATE TABLE producer_links (
    seq           bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_producer_links PRIMARY KEY CLUSTERED,
    id            uniqueidentifier NOT NULL CONSTRAINT uq_producer_links_id UNIQUE,
    product_id    uniqueidentifier NOT NULL CONSTRAINT fk_producer_links_product REFERENCES products (id),
    producer_id   uniqueidentifier NOT NULL CONSTRAINT fk_producer_links_producer REFERENCES producers (id),
    lot_number    nvarchar(20) COLLATE Latin1_General_100_BIN2 NULL,
    link_type     nvarchar(60)   NOT NULL,
    href          nvarchar(2000) NOT NULL,
    title         nvarchar(200)  NOT NULL,
    language      nvarchar(35)   NULL,
    media_type    nvarchar(100)  NULL,
    is_default    bit            NOT NULL,
    is_default_link bit          NOT NULL,
    created_at    datetimeoffset(7) NOT NULL
);
CREATE INDEX ix_producer_links_product ON producer_links (product_id, seq);
