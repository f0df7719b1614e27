-- 0015 text widths. Keep equivalent to sql/sqlite/0015_text_widths.sql.
-- MySQL commits DDL implicitly: every statement is safe to run again.
-- The API accepts texts up to max_text_length (500 bytes), but some columns were narrower: an official's
-- name or an assignment's role over 200 characters, a platform code over 100, an ocid over 200 failed with
-- a 500 on MariaDB (and an OCDS ocid over 200 failed its whole import batch), while SQLite stored them.
-- Widened to 500 (utf8mb4: 2,000 bytes, within InnoDB's 3,072-byte key limit for the unique keys).
ALTER TABLE officials MODIFY name VARCHAR(500) NOT NULL;
ALTER TABLE agreements MODIFY platform_project_code VARCHAR(500) NULL, MODIFY unified_deal_code VARCHAR(500) NULL,
  MODIFY ocid VARCHAR(500) NULL;
ALTER TABLE assignments MODIFY role VARCHAR(500) NOT NULL;
