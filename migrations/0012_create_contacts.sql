-- Contacts are one-way: the owner added the contact (by youmeet ID or @username). Either
-- account going away takes the row with it.
CREATE TABLE contacts (
  owner_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (owner_id, contact_id),
  CHECK (owner_id <> contact_id)
) STRICT, WITHOUT ROWID;
-- The primary key serves "my contacts" and "is X my contact"; this one serves the reverse
-- lookup and the cascade when the contact's account is deleted.
CREATE INDEX contacts_by_contact ON contacts(contact_id);
-- Adding by @username: Telegram usernames are case-insensitive.
CREATE INDEX accounts_by_username ON accounts(username COLLATE NOCASE);
