-- What a partner sends is stored as sent (see the SQLite migration 0024_epcis_event_fields.sql).
CREATE TABLE epcis_event_fields (
    event_id     uniqueidentifier NOT NULL CONSTRAINT pk_epcis_event_fields PRIMARY KEY CLUSTERED,
    event_uri    nvarchar(2000) NULL,
    action       nvarchar(10)  NOT NULL,
    disposition  nvarchar(500) NULL,
    quantity     decimal(18,3) NULL,
    uom          nvarchar(10)  NULL,
    ilmd         nvarchar(max) NULL
);
