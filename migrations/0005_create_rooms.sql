-- Rooms: id, owner, creation date, an optional name, and whether guests may join by link.
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  owner_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT,
  allow_guests INTEGER NOT NULL DEFAULT 1 CHECK (allow_guests IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX rooms_by_owner ON rooms(owner_id, created_at);
