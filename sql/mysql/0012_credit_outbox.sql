-- 0012 credit-platform push (归集至信用信息共享平台, DESIGN §7, docs/CREDIT_PUSH.md). Keep equivalent to
-- sql/sqlite/0012_credit_outbox.sql. Instants are RFC 3339 UTC text with milliseconds (they sort as text).
-- MySQL commits DDL implicitly: every statement must be safe to run again (IF NOT EXISTS).

-- The outbox: one row per credit event of a breach (record 新增, repair 修复, revoke 撤销), written in the
-- same transaction as the transition (adapters/store/breach_store.cpp), so that no transition is stored
-- without its row. `id` is the record id the receiver deduplicates by: stable per (breach, event).
-- `payload` is the body sent, byte for byte, on every attempt. A dispatcher claims a row by raising
-- `claim_epoch` while the row is unclaimed or its claim expired (one sender at a time, in every instance);
-- `attempts` counts the claims. A row is sent only after every earlier row of its breach was sent.
CREATE TABLE IF NOT EXISTS credit_outbox (
  seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(100) NOT NULL,
  breach_id VARCHAR(40) NOT NULL,
  event VARCHAR(16) NOT NULL,
  region CHAR(6) NOT NULL,
  payload MEDIUMTEXT NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at VARCHAR(32) NOT NULL,
  last_status INT NULL,
  last_error TEXT NULL,
  claimed_by VARCHAR(200) NULL,
  claim_epoch BIGINT NOT NULL DEFAULT 0,
  claim_expires_at VARCHAR(32) NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  sent_at VARCHAR(32) NULL,
  UNIQUE KEY credit_outbox_id (id),
  UNIQUE KEY credit_outbox_event (breach_id, event),
  KEY credit_outbox_due (state, next_attempt_at),
  KEY credit_outbox_breach (breach_id, seq),
  CONSTRAINT credit_outbox_breach_fk FOREIGN KEY (breach_id) REFERENCES breaches (id),
  CONSTRAINT credit_outbox_event_check CHECK (event IN ('record', 'repair', 'revoke')),
  CONSTRAINT credit_outbox_state_check CHECK (state IN ('pending', 'sent', 'failed'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A government body's 统一社会信用代码 (机关 codes start with 11): the credit platform keys its records on
-- it. Optional, as bodies on file before this migration have none; not unique (a department and the
-- office it belongs to are sometimes filed with the same code).
ALTER TABLE bodies ADD COLUMN IF NOT EXISTS credit_code CHAR(18) NULL;
