-- Tariff plans are data the operator edits (youmeet admin plans set). NULL means unlimited.
-- free: enough for a household or a small team to meet every day (3 rooms, calls of 4,
-- 600 minutes = 10 hours a month); screen sharing on, because people expect it of a meeting
-- tool and it costs the server one stream. pro: what one VPS can carry for a heavier user.
CREATE TABLE plans (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 32),
  max_rooms INTEGER CHECK (max_rooms IS NULL OR max_rooms >= 1),
  max_participants INTEGER CHECK (max_participants IS NULL OR max_participants >= 2),
  monthly_minutes INTEGER CHECK (monthly_minutes IS NULL OR monthly_minutes >= 1),
  screen_share INTEGER NOT NULL CHECK (screen_share IN (0, 1)),
  updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO plans (name, max_rooms, max_participants, monthly_minutes, screen_share, updated_at) VALUES
  ('free', 3, 4, 600, 1, 0),
  ('pro', 100, 25, NULL, 1, 0);

-- Every account, existing and new, starts on free. The code refuses plans that do not exist
-- (SQLite cannot add a column with a foreign key and a non-NULL default), and plans are never deleted.
ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';

-- Call time charged to a room owner, per calendar month (UTC, 'YYYY-MM'), in seconds.
CREATE TABLE call_usage (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  month TEXT NOT NULL CHECK (length(month) = 7),
  call_seconds INTEGER NOT NULL CHECK (call_seconds >= 0),
  PRIMARY KEY (account_id, month)
) STRICT;
