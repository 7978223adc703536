-- The seal of each audit entry: HMAC-SHA256 of its hash under the deployment's audit key,
-- kept outside the database; empty for entries written before the deployment had a key.
ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT '';
