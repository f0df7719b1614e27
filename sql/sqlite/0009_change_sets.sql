-- 0009 change sets: one trail entry per change set (docs/TRAIL.md §2.4, §8.1). Keep equivalent to
-- sql/mysql/0009_change_sets.sql.
-- An entry now lists every entity its change set changed, so the entity columns of trail_entries name only
-- the set's first change. trail_index says which entries changed an entity: one narrow row per (entity,
-- entry); queries by entity (GET /api/v1/trail?entity=, /trail/entities/{type}/{id}) read it instead of the
-- entity index of trail_entries. It is derived from the hashed patches (not part of any hash).
CREATE TABLE IF NOT EXISTS trail_index (
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (entity_type, entity_id, seq)
) WITHOUT ROWID;
-- The entries written before, one per entity, are indexed under their own entity.
INSERT OR IGNORE INTO trail_index (entity_type, entity_id, seq)
SELECT entity_type, entity_id, seq FROM trail_entries;
DROP INDEX IF EXISTS trail_entries_entity;
