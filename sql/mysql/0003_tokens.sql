-- 0003 tokens: API bearer tokens (DESIGN §1, §8). Only the SHA-256 of a token is kept, never the token;
-- a revoked token keeps its row (revoked_at set) so that the trail can still name it.
-- Keep equivalent to sql/sqlite/0003_tokens.sql. Safe to run again after a failure half-way.
CREATE TABLE IF NOT EXISTS api_tokens (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  role VARCHAR(16) NOT NULL,
  region CHAR(6) NOT NULL DEFAULT '',
  token_sha256 CHAR(64) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  revoked_at VARCHAR(32) NULL,
  CONSTRAINT api_tokens_name_present CHECK (CHAR_LENGTH(name) > 0),
  CONSTRAINT api_tokens_role CHECK (role IN ('supervisor', 'platform', 'auditor', 'admin')),
  CONSTRAINT api_tokens_region CHECK (region = '' OR region REGEXP '^[0-9]{6}$'),
  CONSTRAINT api_tokens_hash CHECK (token_sha256 REGEXP '^[0-9a-f]{64}$'),
  UNIQUE KEY api_tokens_token_sha256 (token_sha256)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
