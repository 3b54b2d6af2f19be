-- Accounts the operator banned (youmeet admin users ban): a banned account cannot log in
-- or join calls. Unbanning deletes the row.
CREATE TABLE account_bans (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  reason TEXT CHECK (reason IS NULL OR length(reason) <= 200),
  banned_at INTEGER NOT NULL
) STRICT;
