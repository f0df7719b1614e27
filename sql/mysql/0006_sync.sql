-- 0006 sync: what the platform-sync layer (adapters/sync, docs/SYNC.md) keeps. Keep equivalent to
-- sql/sqlite/0006_sync.sql. Instants are RFC 3339 UTC text with milliseconds (they sort as text).

-- Idempotency by (source, external key, content hash): which ledger entity each external key became.
CREATE TABLE IF NOT EXISTS external_keys (
  source VARCHAR(100) NOT NULL,
  key_sha256 CHAR(64) NOT NULL,
  external_key TEXT NOT NULL,
  entity_type VARCHAR(20) NOT NULL,
  entity_id VARCHAR(100) NOT NULL,
  content_hash VARCHAR(64) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (source, key_sha256),
  KEY external_keys_entity (entity_type, entity_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Where each source stands: the cursor is written in the same transaction as the facts it covers.
CREATE TABLE IF NOT EXISTS sync_cursors (
  source VARCHAR(100) NOT NULL PRIMARY KEY,
  cursor_text TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  updated_at VARCHAR(32) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One syncer per source: the holder, until when, and the fencing epoch that every takeover raises.
-- `checks` counts the holder's checks, so that every check changes the row (MySQL counts changed rows).
CREATE TABLE IF NOT EXISTS sync_leases (
  source VARCHAR(100) NOT NULL PRIMARY KEY,
  owner VARCHAR(200) NOT NULL,
  epoch BIGINT NOT NULL,
  expires_at VARCHAR(32) NOT NULL,
  acquired_at VARCHAR(32) NOT NULL,
  checks BIGINT NOT NULL DEFAULT 0
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per run of `sync`/`import`/the scheduler, with its counts and cursors.
CREATE TABLE IF NOT EXISTS sync_runs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  source VARCHAR(100) NOT NULL,
  owner VARCHAR(200) NOT NULL,
  epoch BIGINT NOT NULL,
  started_at VARCHAR(32) NOT NULL,
  ended_at VARCHAR(32) NULL,
  status VARCHAR(20) NOT NULL,
  fetched BIGINT NOT NULL DEFAULT 0,
  created BIGINT NOT NULL DEFAULT 0,
  updated BIGINT NOT NULL DEFAULT 0,
  unchanged BIGINT NOT NULL DEFAULT 0,
  quarantined BIGINT NOT NULL DEFAULT 0,
  errors BIGINT NOT NULL DEFAULT 0,
  cursor_before TEXT NOT NULL,
  cursor_after TEXT NOT NULL,
  lag_seconds BIGINT NULL,
  reasons TEXT NOT NULL,
  message TEXT NOT NULL,
  KEY sync_runs_source (source, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Records that could not be mapped or stored (隔离区), with the reason and the raw text to re-process.
CREATE TABLE IF NOT EXISTS sync_quarantine (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  source VARCHAR(100) NOT NULL,
  entry_sha256 CHAR(64) NOT NULL,
  external_key TEXT NOT NULL,
  reason VARCHAR(64) NOT NULL,
  message TEXT NOT NULL,
  location VARCHAR(200) NOT NULL,
  raw_text MEDIUMTEXT NOT NULL,
  status VARCHAR(10) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  UNIQUE KEY sync_quarantine_entry (source, entry_sha256),
  KEY sync_quarantine_status (status, id),
  CONSTRAINT sync_quarantine_status_check CHECK (status IN ('open', 'resolved', 'failed'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
