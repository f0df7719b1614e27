-- 0007 trail indexes: trail_entries_actor goes. The actor filter of GET /api/v1/trail matches the token id
-- OR the token's name, which no single-column index serves, so both backends read it in seq order and the
-- index was never used; every append paid for it (about a tenth of the append's SQLite time,
-- docs/PERFORMANCE.md "Trail"). Keep equivalent to sql/mysql/0007_trail_indexes.sql.
DROP INDEX IF EXISTS trail_entries_actor;
