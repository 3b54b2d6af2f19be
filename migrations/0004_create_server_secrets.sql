-- Random keys the server generates once per data directory (e.g. for form tokens),
-- so they survive restarts without the operator managing them.
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
