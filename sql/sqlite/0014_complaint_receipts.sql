-- 0014 complaint receipt codes (issue 14). Keep equivalent to sql/mysql/0014_complaint_receipts.sql.
-- A complainant follows a complaint by the receipt code returned when it was filed: random, unguessable,
-- unique. Complaints filed before this migration have none (NULL) and cannot be followed.
ALTER TABLE complaints ADD COLUMN receipt_code TEXT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS complaints_receipt_code ON complaints (receipt_code);
