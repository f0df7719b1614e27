-- 0005 trail: the accountability trail (DESIGN §6, docs/TRAIL.md). trail_entries holds exactly the columns
-- an entry's hash covers (patch as its canonical JSON text, hashes as 64 lower-case hex digits), so the
-- verifier rebuilds the hashed bytes without parsing. trail_head is the one chain-head row every append
-- locks (SELECT ... FOR UPDATE) and updates in its transaction: appends are serialized and seq is commit
-- order. trail_nodes keeps the complete subtrees of the RFC 9162 Merkle tree (level 0 = leaf hashes) so a
-- proof is O(log n) lookups. trail_checkpoints keeps the signed tree heads. Text is utf8mb4_bin: the bytes
-- are the hashed bytes and filters compare them exactly. Keep equivalent to sql/sqlite/0005_trail.sql.
-- MySQL commits DDL implicitly: every statement must be safe to run again (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS trail_entries (
  seq BIGINT NOT NULL PRIMARY KEY,
  time CHAR(24) NOT NULL,
  actor_token_id VARCHAR(64) NOT NULL,
  actor_name VARCHAR(255) NOT NULL,
  role VARCHAR(16) NOT NULL,
  action VARCHAR(100) NOT NULL,
  entity_type VARCHAR(40) NOT NULL,
  entity_id VARCHAR(100) NOT NULL,
  request_id VARCHAR(200) NOT NULL,
  reason TEXT NOT NULL,
  patch MEDIUMTEXT NOT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  CONSTRAINT trail_entries_seq CHECK (seq >= 1),
  KEY trail_entries_entity (entity_type, entity_id, seq),
  KEY trail_entries_actor (actor_token_id, seq),
  KEY trail_entries_action (action, seq),
  KEY trail_entries_time (time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS trail_head (
  id TINYINT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash CHAR(64) NOT NULL,
  CONSTRAINT trail_head_one_row CHECK (id = 1)
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;

INSERT IGNORE INTO trail_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE IF NOT EXISTS trail_nodes (
  level TINYINT UNSIGNED NOT NULL,
  idx BIGINT NOT NULL,
  hash CHAR(64) NOT NULL,
  PRIMARY KEY (level, idx)
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;

CREATE TABLE IF NOT EXISTS trail_checkpoints (
  tree_size BIGINT NOT NULL PRIMARY KEY,
  root_hash CHAR(64) NOT NULL,
  time CHAR(24) NOT NULL,
  signature VARCHAR(100) NOT NULL,
  key_id CHAR(16) NOT NULL,
  CONSTRAINT trail_checkpoints_size CHECK (tree_size >= 1)
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;
