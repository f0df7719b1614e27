-- 0001 regions: administrative divisions (行政区划) by their six-digit GB/T 2260 code.
-- Read-only for the API; rows come from seed-demo or an import, never from this file.
-- Keep equivalent to sql/mysql/0001_regions.sql.
CREATE TABLE IF NOT EXISTS regions (
  code CHAR(6) NOT NULL PRIMARY KEY CHECK (length(code) = 6 AND code NOT GLOB '*[^0-9]*'),
  name TEXT NOT NULL CHECK (length(name) > 0),
  parent_code CHAR(6) NULL REFERENCES regions (code),
  level TEXT NOT NULL CHECK (level IN ('province', 'prefecture', 'county'))
);

CREATE INDEX IF NOT EXISTS regions_parent_code ON regions (parent_code);
