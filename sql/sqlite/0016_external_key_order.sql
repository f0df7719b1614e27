-- 0016 external key order: external_keys is keyed by (source, lookup_key) instead of (source, key_sha256).
-- Keep equivalent to sql/mysql/0016_external_key_order.sql.
--
-- lookup_key is the external key itself, or for a key over 400 bytes its first 400 bytes, '#' and the
-- SHA-256 of the whole key (adapters/sync/external_key.hpp; the old key_sha256 is that SHA-256). Keys the
-- platform hands out in order now land next to each other in the primary key, where their hashes landed on
-- random pages that every batch wrote to the WAL again; WITHOUT ROWID stores each row once, in that key, not
-- in a rowid table and an index beside it (docs/PERFORMANCE.md, "Sync").
CREATE TABLE external_keys_0016 (
  source TEXT NOT NULL,
  lookup_key TEXT NOT NULL,
  external_key TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, lookup_key)
) WITHOUT ROWID;
INSERT INTO external_keys_0016 (source, lookup_key, external_key, entity_type, entity_id, content_hash,
                                updated_at)
  SELECT source,
         CASE WHEN length(CAST(external_key AS BLOB)) <= 400 THEN external_key
              ELSE CAST(substr(CAST(external_key AS BLOB), 1, 400) || CAST('#' || key_sha256 AS BLOB) AS TEXT)
         END,
         external_key, entity_type, entity_id, content_hash, updated_at
  FROM external_keys;
DROP TABLE external_keys;
ALTER TABLE external_keys_0016 RENAME TO external_keys;
