-- 0002 ledger: bodies, officials and their posts, organizations, agreements with stages and assignments,
-- commitments, facts (append-only), and the Idempotency-Key records of POST requests.
-- Keep equivalent to sql/sqlite/0002_ledger.sql. Dates are CHAR(10) 'YYYY-MM-DD' (they sort as text);
-- instants are RFC 3339 UTC text; money is BIGINT fen plus CHAR(3) currency. Every entity row carries a
-- version (the ETag) that each update raises by one. Ids are time-ordered, so ORDER BY id is creation order.
-- MySQL commits DDL implicitly: every statement must be safe to run again (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS bodies (
  id VARCHAR(100) NOT NULL PRIMARY KEY,
  name VARCHAR(500) NOT NULL,
  region CHAR(6) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  parent_id VARCHAR(100) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  CONSTRAINT bodies_kind CHECK (kind IN ('government', 'department', 'township', 'street', 'other')),
  CONSTRAINT bodies_parent FOREIGN KEY (parent_id) REFERENCES bodies (id),
  KEY bodies_region (region, id),
  KEY bodies_parent (parent_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS officials (
  id VARCHAR(100) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS posts (
  official_id VARCHAR(100) NOT NULL,
  seq INT NOT NULL,
  body_id VARCHAR(100) NOT NULL,
  title VARCHAR(500) NOT NULL,
  from_date CHAR(10) NOT NULL,
  to_date CHAR(10) NULL,
  head TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (official_id, seq),
  CONSTRAINT posts_official FOREIGN KEY (official_id) REFERENCES officials (id),
  CONSTRAINT posts_body FOREIGN KEY (body_id) REFERENCES bodies (id),
  KEY posts_body (body_id, official_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS organizations (
  id VARCHAR(100) NOT NULL PRIMARY KEY,
  name VARCHAR(500) NOT NULL,
  credit_code CHAR(18) NULL,
  sme TINYINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  UNIQUE KEY organizations_credit_code (credit_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS agreements (
  id VARCHAR(100) NOT NULL PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  title VARCHAR(500) NOT NULL,
  body_id VARCHAR(100) NOT NULL,
  counterparty_id VARCHAR(100) NULL,
  value_fen BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  signed_on CHAR(10) NOT NULL,
  platform_project_code VARCHAR(100) NULL,
  unified_deal_code VARCHAR(100) NULL,
  ocid VARCHAR(200) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  CONSTRAINT agreements_kind CHECK (kind IN ('procurement', 'ppp', 'investment', 'pledge')),
  CONSTRAINT agreements_body FOREIGN KEY (body_id) REFERENCES bodies (id),
  CONSTRAINT agreements_counterparty FOREIGN KEY (counterparty_id) REFERENCES organizations (id),
  UNIQUE KEY agreements_platform_project_code (platform_project_code),
  UNIQUE KEY agreements_unified_deal_code (unified_deal_code),
  UNIQUE KEY agreements_ocid (ocid),
  KEY agreements_body (body_id, id),
  KEY agreements_kind (kind, id),
  KEY agreements_counterparty (counterparty_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS stages (
  agreement_id VARCHAR(100) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  PRIMARY KEY (agreement_id, kind),
  CONSTRAINT stages_kind CHECK (kind IN ('preparation', 'tendering', 'procurement', 'financing', 'implementation')),
  CONSTRAINT stages_agreement FOREIGN KEY (agreement_id) REFERENCES agreements (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS assignments (
  agreement_id VARCHAR(100) NOT NULL,
  stage_kind VARCHAR(16) NOT NULL,
  seq INT NOT NULL,
  official_id VARCHAR(100) NOT NULL,
  role VARCHAR(200) NOT NULL,
  from_date CHAR(10) NOT NULL,
  to_date CHAR(10) NULL,
  PRIMARY KEY (agreement_id, stage_kind, seq),
  CONSTRAINT assignments_stage FOREIGN KEY (agreement_id, stage_kind) REFERENCES stages (agreement_id, kind),
  CONSTRAINT assignments_official FOREIGN KEY (official_id) REFERENCES officials (id),
  KEY assignments_official (official_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS commitments (
  id VARCHAR(100) NOT NULL PRIMARY KEY,
  agreement_id VARCHAR(100) NOT NULL,
  obligor_side VARCHAR(16) NOT NULL,
  obligor_id VARCHAR(100) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  title VARCHAR(500) NOT NULL,
  due CHAR(10) NOT NULL,
  amount_fen BIGINT NULL,
  currency CHAR(3) NULL,
  grace_days INT NOT NULL DEFAULT 0,
  stage VARCHAR(16) NULL,
  committing_official_id VARCHAR(100) NULL,
  payment_term_days INT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  CONSTRAINT commitments_obligor_side CHECK (obligor_side IN ('government', 'counterparty')),
  CONSTRAINT commitments_agreement FOREIGN KEY (agreement_id) REFERENCES agreements (id),
  CONSTRAINT commitments_committing FOREIGN KEY (committing_official_id) REFERENCES officials (id),
  KEY commitments_agreement (agreement_id, id),
  KEY commitments_obligor (obligor_id, id),
  KEY commitments_due (due, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS facts (
  id VARCHAR(100) NOT NULL PRIMARY KEY,
  commitment_id VARCHAR(100) NOT NULL,
  kind VARCHAR(24) NOT NULL,
  on_date CHAR(10) NOT NULL,
  reason VARCHAR(24) NOT NULL DEFAULT 'none',
  terminated_by VARCHAR(16) NULL,
  counterparty_loss TINYINT NOT NULL DEFAULT 0,
  source VARCHAR(16) NOT NULL,
  score INT NULL,
  new_due CHAR(10) NULL,
  amount_fen BIGINT NULL,
  amount_currency CHAR(3) NULL,
  new_amount_fen BIGINT NULL,
  new_amount_currency CHAR(3) NULL,
  corrects VARCHAR(100) NULL,
  legal_basis VARCHAR(1000) NOT NULL DEFAULT '',
  competent_authority VARCHAR(500) NOT NULL DEFAULT '',
  procedure_reference VARCHAR(500) NOT NULL DEFAULT '',
  compensation_decision VARCHAR(1000) NOT NULL DEFAULT '',
  lawful_grounds VARCHAR(1000) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  CONSTRAINT facts_commitment FOREIGN KEY (commitment_id) REFERENCES commitments (id),
  CONSTRAINT facts_corrects FOREIGN KEY (corrects) REFERENCES facts (id),
  KEY facts_commitment (commitment_id, id),
  KEY facts_kind (kind, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS idempotency_keys (
  token_id VARCHAR(64) NOT NULL,
  idem_key VARCHAR(255) NOT NULL,
  method VARCHAR(10) NOT NULL,
  route VARCHAR(200) NOT NULL,
  request_sha256 CHAR(64) NOT NULL,
  status INT NOT NULL,
  response_body MEDIUMTEXT NOT NULL,
  etag VARCHAR(100) NOT NULL,
  location VARCHAR(300) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (token_id, idem_key),
  KEY idempotency_keys_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
