-- 0001 regions: administrative divisions (行政区划) by their six-digit GB/T 2260 code.
-- Read-only for the API; rows come from seed-demo or an import, never from this file.
-- Keep equivalent to sql/sqlite/0001_regions.sql. MySQL commits DDL implicitly, so every statement here
-- must be safe to run again after a failure half-way (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS regions (
  code CHAR(6) NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  parent_code CHAR(6) NULL,
  level VARCHAR(16) NOT NULL,
  CONSTRAINT regions_code_digits CHECK (code REGEXP '^[0-9]{6}$'),
  CONSTRAINT regions_name_present CHECK (CHAR_LENGTH(name) > 0),
  CONSTRAINT regions_level CHECK (level IN ('province', 'prefecture', 'county')),
  CONSTRAINT regions_parent FOREIGN KEY (parent_code) REFERENCES regions (code),
  KEY regions_parent_code (parent_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
