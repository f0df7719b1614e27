-- 0012 credit-platform push (归集至信用信息共享平台, DESIGN §7, docs/CREDIT_PUSH.md). Keep equivalent to
-- sql/mysql/0012_credit_outbox.sql. Instants are RFC 3339 UTC text with milliseconds (they sort as text).

-- The outbox: one row per credit event of a breach (record 新增, repair 修复, revoke 撤销), written in the
-- same transaction as the transition (adapters/store/breach_store.cpp), so that no transition is stored
-- without its row. `id` is the record id the receiver deduplicates by: stable per (breach, event).
-- `payload` is the body sent, byte for byte, on every attempt. A dispatcher claims a row by raising
-- `claim_epoch` while the row is unclaimed or its claim expired (one sender at a time, in every instance);
-- `attempts` counts the claims. A row is sent only after every earlier row of its breach was sent.
CREATE TABLE IF NOT EXISTS credit_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  breach_id TEXT NOT NULL REFERENCES breaches (id),
  event TEXT NOT NULL CHECK (event IN ('record', 'repair', 'revoke')),
  region CHAR(6) NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_status INTEGER NULL,
  last_error TEXT NULL,
  claimed_by TEXT NULL,
  claim_epoch INTEGER NOT NULL DEFAULT 0,
  claim_expires_at TEXT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT NULL,
  UNIQUE (breach_id, event)
);
CREATE INDEX IF NOT EXISTS credit_outbox_due ON credit_outbox (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS credit_outbox_breach ON credit_outbox (breach_id, seq);

-- A government body's 统一社会信用代码 (机关 codes start with 11): the credit platform keys its records on
-- it. Optional, as bodies on file before this migration have none; not unique (a department and the
-- office it belongs to are sometimes filed with the same code).
ALTER TABLE bodies ADD COLUMN credit_code CHAR(18) NULL;
