-- Accounts: only what the user lets Telegram show, plus our own youmeet ID.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  youmeet_id TEXT NOT NULL UNIQUE,
  telegram_id INTEGER NOT NULL UNIQUE,
  first_name TEXT NOT NULL,
  last_name TEXT,
  username TEXT,
  photo_url TEXT,
  telegram_language TEXT,
  region TEXT,
  -- Interface language the user chose in settings; NULL follows Telegram's language.
  language TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;
