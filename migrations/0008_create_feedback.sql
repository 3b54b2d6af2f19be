-- Feedback messages: what the sender typed (name, email, subject, message) and when.
-- A message sent while logged in refers to the account and is deleted with it (CASCADE, not
-- SET NULL): the name and email in it are about that person, and deleting an account promises
-- to leave nothing about them behind; SET NULL would keep them, only unlinked. The export walks
-- this key too. Messages sent without logging in have no account and go when
-- --retention-feedback-days says so, or when the operator deletes them.
-- The sender's network address is never stored (the rate limit keeps it in memory only).
-- AUTOINCREMENT: an id the operator deleted is never given to a new message.
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_by_date ON feedback(created_at);
CREATE INDEX feedback_by_account ON feedback(account_id);
