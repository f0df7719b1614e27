-- 0006 sync: what the platform-sync layer (adapters/sync, docs/SYNC.md) keeps. Keep equivalent to
-- sql/mysql/0006_sync.sql. Instants are RFC 3339 UTC text with milliseconds (they sort as text).

-- Idempotency by (source, external key, content hash): which ledger entity each external key became.
-- key_sha256 is the SHA-256 (hex) of external_key, so that long keys fit an index on every backend.
CREATE TABLE IF NOT EXISTS external_keys (
  source TEXT NOT NULL,
  key_sha256 CHAR(64) NOT NULL,
  external_key TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, key_sha256)
);
CREATE INDEX IF NOT EXISTS external_keys_entity ON external_keys (entity_type, entity_id);

-- Where each source stands: the cursor is written in the same transaction as the facts it covers.
CREATE TABLE IF NOT EXISTS sync_cursors (
  source TEXT NOT NULL PRIMARY KEY,
  cursor_text TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);

-- One syncer per source: the holder, until when, and the fencing epoch that every takeover raises.
-- `checks` counts the holder's checks, so that every check changes the row (MySQL counts changed rows).
CREATE TABLE IF NOT EXISTS sync_leases (
  source TEXT NOT NULL PRIMARY KEY,
  owner TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  expires_at TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  checks INTEGER NOT NULL DEFAULT 0
);

-- One row per run of `sync`/`import`/the scheduler, with its counts and cursors.
CREATE TABLE IF NOT EXISTS sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  owner TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NULL,
  status TEXT NOT NULL,
  fetched INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  quarantined INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  cursor_before TEXT NOT NULL DEFAULT '',
  cursor_after TEXT NOT NULL DEFAULT '',
  lag_seconds INTEGER NULL,
  reasons TEXT NOT NULL DEFAULT '{}',
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sync_runs_source ON sync_runs (source, id);

-- Records that could not be mapped or stored (隔离区), with the reason and the raw text to re-process.
-- entry_sha256 identifies an entry, so that reading the same bad record again adds no second row.
CREATE TABLE IF NOT EXISTS sync_quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  entry_sha256 CHAR(64) NOT NULL,
  external_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  location TEXT NOT NULL,
  raw_text TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'failed')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (source, entry_sha256)
);
CREATE INDEX IF NOT EXISTS sync_quarantine_status ON sync_quarantine (status, id);
