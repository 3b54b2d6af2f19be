-- The name the user chose to be shown to others; NULL shows Telegram's first name again.
-- Telegram logins never touch it, so it overrides Telegram's name until the user resets it.
ALTER TABLE accounts ADD COLUMN display_name TEXT;
