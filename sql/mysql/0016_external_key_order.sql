-- 0016 external key order: external_keys is keyed by (source, lookup_key) instead of (source, key_sha256).
-- Keep equivalent to sql/sqlite/0016_external_key_order.sql.
--
-- lookup_key is the external key itself, or for a key over 400 bytes its first 400 bytes, '#' and the
-- SHA-256 of the whole key (adapters/sync/external_key.hpp). Keys the platform hands out in order now land
-- next to each other in the primary key (InnoDB's clustered index) instead of on random pages
-- (docs/PERFORMANCE.md, "Sync"). VARBINARY: the key is compared byte for byte, as its hash was.
--
-- MySQL commits DDL implicitly, and a migration that failed half-way runs again from its first statement:
-- every statement below is safe in every state a failure can leave. The copy reads only columns both
-- layouts have and computes the hash with SHA2, so it works on the old table and, after the rename, on the
-- new one; the old table is dropped only once the new one has taken its name.
DROP TABLE IF EXISTS external_keys_0006;
CREATE TABLE IF NOT EXISTS external_keys_0016 (
  source VARCHAR(100) NOT NULL,
  lookup_key VARBINARY(512) NOT NULL,
  external_key TEXT NOT NULL,
  entity_type VARCHAR(20) NOT NULL,
  entity_id VARCHAR(100) NOT NULL,
  content_hash VARCHAR(64) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (source, lookup_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
INSERT IGNORE INTO external_keys_0016 (source, lookup_key, external_key, entity_type, entity_id, content_hash,
                                       updated_at)
  SELECT source,
         CASE WHEN OCTET_LENGTH(external_key) <= 400 THEN CAST(external_key AS BINARY)
              ELSE CONCAT(SUBSTRING(CAST(external_key AS BINARY), 1, 400), '#', SHA2(external_key, 256))
         END,
         external_key, entity_type, entity_id, content_hash, updated_at
  FROM external_keys;
RENAME TABLE external_keys TO external_keys_0006, external_keys_0016 TO external_keys;
DROP TABLE external_keys_0006;
