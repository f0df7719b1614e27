-- 0015 text widths. Keep equivalent to sql/mysql/0015_text_widths.sql.
-- SQLite's TEXT columns have no width: an official's name, an assignment's role, the platform codes and
-- the ocid were already stored up to the API's max_text_length (500 bytes). MySQL widens its columns to
-- match; here the migration only records that the schema is at the same version.
SELECT 1;
