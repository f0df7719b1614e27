-- 0003 tokens: API bearer tokens (DESIGN §1, §8). Only the SHA-256 of a token is kept, never the token;
-- a revoked token keeps its row (revoked_at set) so that the trail can still name it.
-- Keep equivalent to sql/mysql/0003_tokens.sql.
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
  name TEXT NOT NULL CHECK (length(name) > 0),
  role TEXT NOT NULL CHECK (role IN ('supervisor', 'platform', 'auditor', 'admin')),
  region TEXT NOT NULL DEFAULT '' CHECK (region = '' OR (length(region) = 6 AND region NOT GLOB '*[^0-9]*')),
  token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
  created_at TEXT NOT NULL,
  revoked_at TEXT NULL
);
