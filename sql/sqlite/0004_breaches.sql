-- 0004 breaches (失信违约记录, DESIGN §3-§4): one row per breach with the columns lists filter on, the whole
-- record as JSON in `record` (amounts, dates of every step, explanation, mitigation, objection origin), the
-- evidence (fact ids), the traced officials, the history of transitions, and public complaints (投诉举报).
-- Keep equivalent to sql/mysql/0004_breaches.sql. `breach_key` is the finding's key (idempotent detection);
-- NULL for a complaint's breach. `region` is the region of the government body concerned (scope checks).
CREATE TABLE IF NOT EXISTS breaches (
  id TEXT NOT NULL PRIMARY KEY,
  breach_key TEXT NULL UNIQUE,
  rule CHAR(4) NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('minor', 'general', 'serious', 'severe')),
  state TEXT NOT NULL,
  obligor_side TEXT NOT NULL,
  obligor_id TEXT NOT NULL,
  body_id TEXT NOT NULL,
  region CHAR(6) NOT NULL,
  commitment_id TEXT NULL,
  agreement_id TEXT NULL,
  committed_fen BIGINT NULL,
  shortfall_fen BIGINT NULL,
  currency CHAR(3) NULL,
  due CHAR(10) NOT NULL,
  days_late INTEGER NOT NULL DEFAULT 0,
  detected_on CHAR(10) NOT NULL,
  rectification_deadline CHAR(10) NULL,
  recorded_on CHAR(10) NULL,
  repaired_on CHAR(10) NULL,
  objection_from TEXT NULL,
  complaint_id TEXT NULL,
  record TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS breaches_region ON breaches (region, id);
CREATE INDEX IF NOT EXISTS breaches_state ON breaches (state, id);
CREATE INDEX IF NOT EXISTS breaches_obligor ON breaches (obligor_id, id);
CREATE INDEX IF NOT EXISTS breaches_commitment ON breaches (commitment_id);

CREATE TABLE IF NOT EXISTS breach_evidence (
  breach_id TEXT NOT NULL REFERENCES breaches (id),
  fact_id TEXT NOT NULL,
  PRIMARY KEY (breach_id, fact_id)
);

-- role: performing (stage assignee or head of the body on the due date) or committing (made the promise).
CREATE TABLE IF NOT EXISTS breach_officials (
  breach_id TEXT NOT NULL REFERENCES breaches (id),
  official_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('performing', 'committing')),
  basis TEXT NOT NULL,
  title TEXT NOT NULL,
  PRIMARY KEY (breach_id, official_id, role)
);
CREATE INDEX IF NOT EXISTS breach_officials_official ON breach_officials (official_id, breach_id);

CREATE TABLE IF NOT EXISTS breach_history (
  breach_id TEXT NOT NULL REFERENCES breaches (id),
  seq INTEGER NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  from_state TEXT NULL,
  to_state TEXT NOT NULL,
  as_of CHAR(10) NOT NULL,
  at TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (breach_id, seq)
);

-- Complaints from the public. Contact details are private: never served by a public route.
CREATE TABLE IF NOT EXISTS complaints (
  id TEXT NOT NULL PRIMARY KEY,
  breach_id TEXT NULL,
  subject TEXT NOT NULL,
  description TEXT NOT NULL,
  agreement_ref TEXT NULL,
  contact_name TEXT NULL,
  contact_phone TEXT NULL,
  contact_email TEXT NULL,
  client_address TEXT NOT NULL,
  created_at TEXT NOT NULL
);
