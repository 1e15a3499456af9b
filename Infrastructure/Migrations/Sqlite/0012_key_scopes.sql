-- Keys scoped to what an app may do (README, "Keys for apps"): a name the owner recognises, the scopes (NULL: every
-- scope, as every key before this migration), an optional expiry, and when the key was last used (written at most once
-- a minute per key and process).
ALTER TABLE api_keys ADD COLUMN name TEXT NULL;
ALTER TABLE api_keys ADD COLUMN scopes TEXT NULL;
ALTER TABLE api_keys ADD COLUMN expires_at TEXT NULL;
ALTER TABLE api_keys ADD COLUMN last_used_at TEXT NULL;
