-- The public record of each batch as served (JSON without the scan figures), rewritten after every change to what it
-- shows, so that a scan reads one row instead of assembling the record from six tables. The record is UTF-8 JSON,
-- kept as bytes so that it is written to the response as it is.
CREATE TABLE public_records (
    batch_id      BLOB    NOT NULL PRIMARY KEY REFERENCES batches (id),
    code          TEXT    NOT NULL UNIQUE,
    version       TEXT    NOT NULL,
    chain_valid   INTEGER NOT NULL,
    head_hash     TEXT    NULL,
    record        BLOB    NOT NULL,
    page_vi       BLOB    NULL,
    page_en       BLOB    NULL,
    refreshed_at  TEXT    NOT NULL
);
