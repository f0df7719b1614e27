-- 0008 trail storage: what each append writes besides its entry, made smaller (docs/TRAIL.md §8.1,
-- docs/PERFORMANCE.md "Trail"). Keep equivalent to sql/mysql/0008_trail_storage.sql.
-- The Merkle nodes an entry completes (levels 1, 2, … as 64 hex digits each) go into the entry's own row:
-- one INSERT per append instead of two. Node (level, idx) is in the row of seq (idx + 1) << level. The
-- nodes of the entries appended before this migration stay in trail_nodes, where readers still find them.
ALTER TABLE trail_entries ADD COLUMN nodes TEXT NOT NULL DEFAULT '';
-- Leaves (level 0) are not kept at all: leaf seq - 1 is the leaf hash of entry seq's own hash column.
DELETE FROM trail_nodes WHERE level = 0;
-- trail_entries_actor goes: the actor filter of GET /api/v1/trail matches the token id OR the token's name,
-- which no single-column index serves, so both backends read it in seq order and the index was never used.
DROP INDEX IF EXISTS trail_entries_actor;
