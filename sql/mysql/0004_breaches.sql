-- 0004 breaches (失信违约记录, DESIGN §3-§4): one row per breach with the columns lists filter on, the whole
-- record as JSON in `record` (amounts, dates of every step, explanation, mitigation, objection origin), the
-- evidence (fact ids), the traced officials, the history of transitions, and public complaints (投诉举报).
-- Keep equivalent to sql/sqlite/0004_breaches.sql. `breach_key` is the finding's key (idempotent detection);
-- NULL for a complaint's breach. `region` is the region of the government body concerned (scope checks).
-- MySQL commits DDL implicitly: every statement must be safe to run again (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS breaches (
  id VARCHAR(40) NOT NULL PRIMARY KEY,
  breach_key VARCHAR(200) NULL,
  rule CHAR(4) NOT NULL,
  severity VARCHAR(16) NOT NULL,
  state VARCHAR(24) NOT NULL,
  obligor_side VARCHAR(16) NOT NULL,
  obligor_id VARCHAR(40) NOT NULL,
  body_id VARCHAR(40) NOT NULL,
  region CHAR(6) NOT NULL,
  commitment_id VARCHAR(40) NULL,
  agreement_id VARCHAR(40) NULL,
  committed_fen BIGINT NULL,
  shortfall_fen BIGINT NULL,
  currency CHAR(3) NULL,
  due CHAR(10) NOT NULL,
  days_late INT NOT NULL DEFAULT 0,
  detected_on CHAR(10) NOT NULL,
  rectification_deadline CHAR(10) NULL,
  recorded_on CHAR(10) NULL,
  repaired_on CHAR(10) NULL,
  objection_from VARCHAR(24) NULL,
  complaint_id VARCHAR(40) NULL,
  record MEDIUMTEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  CONSTRAINT breaches_severity CHECK (severity IN ('minor', 'general', 'serious', 'severe')),
  UNIQUE KEY breaches_key (breach_key),
  KEY breaches_region (region, id),
  KEY breaches_state (state, id),
  KEY breaches_obligor (obligor_id, id),
  KEY breaches_commitment (commitment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS breach_evidence (
  breach_id VARCHAR(40) NOT NULL,
  fact_id VARCHAR(40) NOT NULL,
  PRIMARY KEY (breach_id, fact_id),
  CONSTRAINT breach_evidence_breach FOREIGN KEY (breach_id) REFERENCES breaches (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS breach_officials (
  breach_id VARCHAR(40) NOT NULL,
  official_id VARCHAR(40) NOT NULL,
  role VARCHAR(16) NOT NULL,
  basis VARCHAR(24) NOT NULL,
  title VARCHAR(500) NOT NULL,
  PRIMARY KEY (breach_id, official_id, role),
  KEY breach_officials_official (official_id, breach_id),
  CONSTRAINT breach_officials_role CHECK (role IN ('performing', 'committing')),
  CONSTRAINT breach_officials_breach FOREIGN KEY (breach_id) REFERENCES breaches (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS breach_history (
  breach_id VARCHAR(40) NOT NULL,
  seq INT NOT NULL,
  action VARCHAR(32) NOT NULL,
  actor VARCHAR(500) NOT NULL,
  reason TEXT NOT NULL,
  from_state VARCHAR(24) NULL,
  to_state VARCHAR(24) NOT NULL,
  as_of CHAR(10) NOT NULL,
  at VARCHAR(32) NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (breach_id, seq),
  CONSTRAINT breach_history_breach FOREIGN KEY (breach_id) REFERENCES breaches (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS complaints (
  id VARCHAR(40) NOT NULL PRIMARY KEY,
  breach_id VARCHAR(40) NULL,
  subject VARCHAR(500) NOT NULL,
  description TEXT NOT NULL,
  agreement_ref VARCHAR(200) NULL,
  contact_name VARCHAR(200) NULL,
  contact_phone VARCHAR(64) NULL,
  contact_email VARCHAR(320) NULL,
  client_address VARCHAR(64) NOT NULL,
  created_at VARCHAR(32) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
