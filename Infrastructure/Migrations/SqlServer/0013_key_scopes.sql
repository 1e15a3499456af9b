-- Keys scoped to what an app may do (see the SQLite migration 0012_key_scopes.sql).
ALTER TABLE api_keys ADD
    name          nvarchar(100) NULL,
    scopes        nvarchar(200) NULL,
    expires_at    datetimeoffset(7) NULL,
    last_used_at  datetimeoffset(7) NULL;
