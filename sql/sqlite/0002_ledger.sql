-- 0002 ledger: bodies, officials and their posts, organizations, agreements with stages and assignments,
-- commitments, facts (append-only), and the Idempotency-Key records of POST requests.
-- Keep equivalent to sql/mysql/0002_ledger.sql. Dates are CHAR(10) 'YYYY-MM-DD' (they sort as text);
-- instants are RFC 3339 UTC text; money is BIGINT fen plus CHAR(3) currency. Every entity row carries a
-- version (the ETag) that each update raises by one. Ids are time-ordered, so ORDER BY id is creation order.
CREATE TABLE IF NOT EXISTS bodies (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  region CHAR(6) NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('government', 'department', 'township', 'street', 'other')),
  parent_id TEXT NULL REFERENCES bodies (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bodies_region ON bodies (region, id);
CREATE INDEX IF NOT EXISTS bodies_parent ON bodies (parent_id);

CREATE TABLE IF NOT EXISTS officials (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Posts (任职) are history: appended with the next seq, only `to_date` is ever set afterwards.
CREATE TABLE IF NOT EXISTS posts (
  official_id TEXT NOT NULL REFERENCES officials (id),
  seq INTEGER NOT NULL,
  body_id TEXT NOT NULL REFERENCES bodies (id),
  title TEXT NOT NULL,
  from_date CHAR(10) NOT NULL,
  to_date CHAR(10) NULL,
  head INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (official_id, seq)
);
CREATE INDEX IF NOT EXISTS posts_body ON posts (body_id, official_id);

CREATE TABLE IF NOT EXISTS organizations (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  credit_code CHAR(18) NULL UNIQUE,
  sme INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS agreements (
  id TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('procurement', 'ppp', 'investment', 'pledge')),
  title TEXT NOT NULL,
  body_id TEXT NOT NULL REFERENCES bodies (id),
  counterparty_id TEXT NULL REFERENCES organizations (id),
  value_fen BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  signed_on CHAR(10) NOT NULL,
  platform_project_code TEXT NULL UNIQUE,
  unified_deal_code TEXT NULL UNIQUE,
  ocid TEXT NULL UNIQUE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agreements_body ON agreements (body_id, id);
CREATE INDEX IF NOT EXISTS agreements_kind ON agreements (kind, id);
CREATE INDEX IF NOT EXISTS agreements_counterparty ON agreements (counterparty_id, id);

CREATE TABLE IF NOT EXISTS stages (
  agreement_id TEXT NOT NULL REFERENCES agreements (id),
  kind TEXT NOT NULL CHECK (kind IN ('preparation', 'tendering', 'procurement', 'financing', 'implementation')),
  PRIMARY KEY (agreement_id, kind)
);

CREATE TABLE IF NOT EXISTS assignments (
  agreement_id TEXT NOT NULL,
  stage_kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  official_id TEXT NOT NULL REFERENCES officials (id),
  role TEXT NOT NULL,
  from_date CHAR(10) NOT NULL,
  to_date CHAR(10) NULL,
  PRIMARY KEY (agreement_id, stage_kind, seq),
  FOREIGN KEY (agreement_id, stage_kind) REFERENCES stages (agreement_id, kind)
);
CREATE INDEX IF NOT EXISTS assignments_official ON assignments (official_id);

CREATE TABLE IF NOT EXISTS commitments (
  id TEXT NOT NULL PRIMARY KEY,
  agreement_id TEXT NOT NULL REFERENCES agreements (id),
  obligor_side TEXT NOT NULL CHECK (obligor_side IN ('government', 'counterparty')),
  obligor_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  due CHAR(10) NOT NULL,
  amount_fen BIGINT NULL,
  currency CHAR(3) NULL,
  grace_days INTEGER NOT NULL DEFAULT 0,
  stage TEXT NULL,
  committing_official_id TEXT NULL REFERENCES officials (id),
  payment_term_days INTEGER NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS commitments_agreement ON commitments (agreement_id, id);
CREATE INDEX IF NOT EXISTS commitments_obligor ON commitments (obligor_id, id);
CREATE INDEX IF NOT EXISTS commitments_due ON commitments (due, id);

-- Facts (履约事实) are never updated or deleted; a correction is a new row whose `corrects` names the old one.
CREATE TABLE IF NOT EXISTS facts (
  id TEXT NOT NULL PRIMARY KEY,
  commitment_id TEXT NOT NULL REFERENCES commitments (id),
  kind TEXT NOT NULL,
  on_date CHAR(10) NOT NULL,
  reason TEXT NOT NULL DEFAULT 'none',
  terminated_by TEXT NULL,
  counterparty_loss INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL,
  score INTEGER NULL,
  new_due CHAR(10) NULL,
  amount_fen BIGINT NULL,
  amount_currency CHAR(3) NULL,
  new_amount_fen BIGINT NULL,
  new_amount_currency CHAR(3) NULL,
  corrects TEXT NULL REFERENCES facts (id),
  legal_basis TEXT NOT NULL DEFAULT '',
  competent_authority TEXT NOT NULL DEFAULT '',
  procedure_reference TEXT NOT NULL DEFAULT '',
  compensation_decision TEXT NOT NULL DEFAULT '',
  lawful_grounds TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_commitment ON facts (commitment_id, id);
CREATE INDEX IF NOT EXISTS facts_kind ON facts (kind, id);

-- Idempotency-Key records: the answer to a POST, replayed for the same key, token and body.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  token_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  request_sha256 CHAR(64) NOT NULL,
  status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  etag TEXT NOT NULL,
  location TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (token_id, idem_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
