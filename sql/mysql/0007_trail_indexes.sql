-- 0007 trail indexes: trail_entries_actor goes. The actor filter of GET /api/v1/trail matches the token id
-- OR the token's name, which no single-column index serves, so both backends read it in seq order and the
-- index was never used; every append paid for it (docs/PERFORMANCE.md "Trail"). One statement (MySQL has
-- no DROP INDEX IF EXISTS). Keep equivalent to sql/sqlite/0007_trail_indexes.sql.
ALTER TABLE trail_entries DROP INDEX trail_entries_actor;
