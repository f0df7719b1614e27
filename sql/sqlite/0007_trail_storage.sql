-- 0007 trail storage: what each append writes besides its entry, made smaller (docs/PERFORMANCE.md,
-- "Trail"). Keep equivalent to sql/mysql/0007_trail_storage.sql.
-- trail_entries_actor goes: the actor filter of GET /api/v1/trail matches the token id OR the token's name,
-- which no single-column index serves, so both backends read it in seq order and the index was never used.
DROP INDEX IF EXISTS trail_entries_actor;
-- trail_nodes no longer keeps the leaves (level 0): leaf seq - 1 is the leaf hash of entry seq's own hash,
-- read from trail_entries (docs/TRAIL.md §4). Half the node rows, one statement fewer per append.
DELETE FROM trail_nodes WHERE level = 0;
