-- 0007 sync keys: external_keys loses its index on (entity_type, entity_id). Keep equivalent to
-- sql/sqlite/0007_sync_keys.sql.
--
-- Nothing reads external_keys by entity (every lookup is by source and key_sha256), and entity ids are
-- hashes: each imported entity inserted a key into that index on a random page. Dropping it makes an import
-- write less and run faster (docs/PERFORMANCE.md, "Sync").
ALTER TABLE external_keys DROP INDEX external_keys_entity;
