-- 0005 trail: the accountability trail (DESIGN §6, docs/TRAIL.md). trail_entries holds exactly the columns
-- an entry's hash covers (patch as its canonical JSON text, hashes as 64 lower-case hex digits), so the
-- verifier rebuilds the hashed bytes without parsing. trail_head is the one chain-head row every append
-- reads and updates in its transaction (SQLite's single writer serializes appends). trail_nodes keeps the
-- complete subtrees of the RFC 9162 Merkle tree (level 0 = leaf hashes) so a proof is O(log n) lookups.
-- trail_checkpoints keeps the signed tree heads. Keep equivalent to sql/mysql/0005_trail.sql.
CREATE TABLE IF NOT EXISTS trail_entries (
  seq INTEGER NOT NULL PRIMARY KEY CHECK (seq >= 1),
  time TEXT NOT NULL,
  actor_token_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  patch TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trail_entries_entity ON trail_entries (entity_type, entity_id, seq);
CREATE INDEX IF NOT EXISTS trail_entries_actor ON trail_entries (actor_token_id, seq);
CREATE INDEX IF NOT EXISTS trail_entries_action ON trail_entries (action, seq);
CREATE INDEX IF NOT EXISTS trail_entries_time ON trail_entries (time);

CREATE TABLE IF NOT EXISTS trail_head (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT OR IGNORE INTO trail_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE IF NOT EXISTS trail_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS trail_checkpoints (
  tree_size INTEGER NOT NULL PRIMARY KEY CHECK (tree_size >= 1),
  root_hash TEXT NOT NULL,
  time TEXT NOT NULL,
  signature TEXT NOT NULL,
  key_id TEXT NOT NULL
);
