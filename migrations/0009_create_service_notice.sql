-- The operator's service notice (youmeet admin notice set), shown as a banner on every page
-- until it is cleared or its end time passes. At most one: the row with id 1.
-- It lives here, not in the server's memory, because the admin CLI is another process.
CREATE TABLE service_notice (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  text TEXT NOT NULL,
  until_at INTEGER,
  set_at INTEGER NOT NULL
) STRICT;
