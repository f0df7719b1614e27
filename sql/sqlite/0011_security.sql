-- 0011 security (issue 13): the region a sync run or quarantine entry is filed under, and the MAC that seals
-- each token row. Keep equivalent to sql/mysql/0011_security.sql.

-- The narrowest GB/T 2260 region that contains every body a run touched, or that a quarantined record names
-- (docs/SYNC.md, "Region scope"). A run or entry without a row here is seen only by unscoped tokens.
CREATE TABLE IF NOT EXISTS sync_run_regions (
  run_id INTEGER NOT NULL PRIMARY KEY REFERENCES sync_runs (id),
  region CHAR(6) NOT NULL CHECK (length(region) = 6 AND region NOT GLOB '*[^0-9]*')
);
CREATE TABLE IF NOT EXISTS sync_quarantine_regions (
  quarantine_id INTEGER NOT NULL PRIMARY KEY REFERENCES sync_quarantine (id),
  region CHAR(6) NOT NULL CHECK (length(region) = 6 AND region NOT GLOB '*[^0-9]*')
);
CREATE INDEX IF NOT EXISTS sync_run_regions_region ON sync_run_regions (region, run_id);
CREATE INDEX IF NOT EXISTS sync_quarantine_regions_region ON sync_quarantine_regions (region, quarantine_id);

-- HMAC-SHA-256 (hex) over the row's id, name, role, region, hash, created_at and revoked_at, keyed from the
-- trail signing key (docs/TOKENS.md). '' for rows created before this migration: they are refused until
-- `pactwatch token reseal` has checked them against the trail.
ALTER TABLE api_tokens ADD COLUMN row_mac TEXT NOT NULL DEFAULT '';
