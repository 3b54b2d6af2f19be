-- Who may ring an account: absent or 0 means only the people in its contacts; 1 anyone.
CREATE TABLE call_settings (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  calls_from_anyone INTEGER NOT NULL DEFAULT 0 CHECK (calls_from_anyone IN (0, 1)),
  updated_at INTEGER NOT NULL
) STRICT;
-- The room a caller's calls to one callee take place in, reused for every later call between
-- them (owned by the caller, so deleting it there removes this row too).
CREATE TABLE call_rooms (
  caller_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  callee_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  room_id TEXT NOT NULL UNIQUE REFERENCES rooms(id) ON DELETE CASCADE,
  PRIMARY KEY (caller_id, callee_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX call_rooms_by_callee ON call_rooms(callee_id);
