-- 0010 import fidelity (issue #12, docs/OCDS_MAPPING.md, docs/SYNC.md). Keep equivalent to
-- sql/mysql/0010_import_fidelity.sql.
-- A fact keeps its free-text note: an amendment's rationale, a performance failure's category and penalty.
ALTER TABLE facts ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- An agreement whose value was never stated has none (NULL), not 0.00 CNY. SQLite cannot drop a NOT NULL
-- constraint in place: the table is rebuilt (SQLite's documented procedure; the migration runner turns
-- foreign keys off around a SQLite migration and checks them before the commit). Same columns, constraints
-- and indexes as 0002, value_fen and currency now NULL together.
CREATE TABLE agreements_0010 (
  id TEXT NOT NULL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('procurement', 'ppp', 'investment', 'pledge')),
  title TEXT NOT NULL,
  body_id TEXT NOT NULL REFERENCES bodies (id),
  counterparty_id TEXT NULL REFERENCES organizations (id),
  value_fen BIGINT NULL,
  currency CHAR(3) NULL,
  signed_on CHAR(10) NOT NULL,
  platform_project_code TEXT NULL UNIQUE,
  unified_deal_code TEXT NULL UNIQUE,
  ocid TEXT NULL UNIQUE,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO agreements_0010 (id, kind, title, body_id, counterparty_id, value_fen, currency, signed_on,
                             platform_project_code, unified_deal_code, ocid, version, created_at, updated_at)
  SELECT id, kind, title, body_id, counterparty_id, value_fen, currency, signed_on, platform_project_code,
         unified_deal_code, ocid, version, created_at, updated_at FROM agreements;
DROP TABLE agreements;
ALTER TABLE agreements_0010 RENAME TO agreements;
CREATE INDEX IF NOT EXISTS agreements_body ON agreements (body_id, id);
CREATE INDEX IF NOT EXISTS agreements_kind ON agreements (kind, id);
CREATE INDEX IF NOT EXISTS agreements_counterparty ON agreements (counterparty_id, id);

-- Detection pending (exactly once, detection included): the commitments a sync batch touched and the date
-- to judge them as of, written in the batch's own transaction and deleted by the detection run that handled
-- them, in the transaction that opens their breaches. What a crash leaves here is drained at the start of
-- the next import, sync or serve.
CREATE TABLE IF NOT EXISTS detection_pending (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  commitment_id TEXT NOT NULL,
  as_of CHAR(10) NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS detection_pending_as_of ON detection_pending (as_of, id);
