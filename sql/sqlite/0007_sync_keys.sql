-- 0007 sync keys: external_keys loses its index on (entity_type, entity_id). Keep equivalent to
-- sql/mysql/0007_sync_keys.sql.
--
-- Nothing reads external_keys by entity (every lookup is by source and key_sha256), and entity ids are
-- hashes: each imported entity inserted a key into that index on a random page, which a batch then wrote to
-- the WAL again at its commit. Dropping it makes an import of 20,000 releases write less and run faster
-- (docs/PERFORMANCE.md, "Sync").
DROP INDEX IF EXISTS external_keys_entity;
