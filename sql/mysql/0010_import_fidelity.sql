-- 0010 import fidelity (issue #12, docs/OCDS_MAPPING.md, docs/SYNC.md). Keep equivalent to
-- sql/sqlite/0010_import_fidelity.sql. MySQL commits DDL implicitly: every statement is safe to run again.
-- A fact keeps its free-text note: an amendment's rationale, a performance failure's category and penalty.
ALTER TABLE facts ADD COLUMN IF NOT EXISTS note VARCHAR(2000) NOT NULL DEFAULT '';

-- An agreement whose value was never stated has none (NULL), not 0.00 CNY.
ALTER TABLE agreements MODIFY value_fen BIGINT NULL, MODIFY currency CHAR(3) NULL;

-- Detection pending (exactly once, detection included): the commitments a sync batch touched and the date
-- to judge them as of, written in the batch's own transaction and deleted by the detection run that handled
-- them, in the transaction that opens their breaches. What a crash leaves here is drained at the start of
-- the next import, sync or serve.
CREATE TABLE IF NOT EXISTS detection_pending (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  commitment_id VARCHAR(100) NOT NULL,
  as_of CHAR(10) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  KEY detection_pending_as_of (as_of, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
