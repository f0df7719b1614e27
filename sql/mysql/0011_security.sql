-- 0011 security (issue 13): the region a sync run or quarantine entry is filed under, and the MAC that seals
-- each token row. Keep equivalent to sql/sqlite/0011_security.sql. MySQL commits DDL implicitly: the
-- CREATEs (safe to run again) come first, then the one ALTER.

-- The narrowest GB/T 2260 region that contains every body a run touched, or that a quarantined record names
-- (docs/SYNC.md, "Region scope"). A run or entry without a row here is seen only by unscoped tokens.
CREATE TABLE IF NOT EXISTS sync_run_regions (
  run_id BIGINT NOT NULL PRIMARY KEY,
  region CHAR(6) NOT NULL,
  KEY sync_run_regions_region (region, run_id),
  CONSTRAINT sync_run_regions_run FOREIGN KEY (run_id) REFERENCES sync_runs (id),
  CONSTRAINT sync_run_regions_code CHECK (region REGEXP '^[0-9]{6}$')
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS sync_quarantine_regions (
  quarantine_id BIGINT NOT NULL PRIMARY KEY,
  region CHAR(6) NOT NULL,
  KEY sync_quarantine_regions_region (region, quarantine_id),
  CONSTRAINT sync_quarantine_regions_entry FOREIGN KEY (quarantine_id) REFERENCES sync_quarantine (id),
  CONSTRAINT sync_quarantine_regions_code CHECK (region REGEXP '^[0-9]{6}$')
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- HMAC-SHA-256 (hex) over the row's id, name, role, region, hash, created_at and revoked_at, keyed from the
-- trail signing key (docs/TOKENS.md). '' for rows created before this migration: they are refused until
-- `pactwatch token reseal` has checked them against the trail.
ALTER TABLE api_tokens ADD COLUMN row_mac VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '';
