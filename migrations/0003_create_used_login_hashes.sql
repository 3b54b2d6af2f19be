-- Telegram login hashes already used, kept until the payload would have expired anyway,
-- so a captured login link cannot be replayed.
CREATE TABLE used_login_hashes (
  hash TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) STRICT;
