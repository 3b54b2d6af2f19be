-- The privacy policy version the user last accepted (every login accepts the version in
-- force), and when. NULL for accounts made before consent was recorded: they see the banner.
ALTER TABLE accounts ADD COLUMN consent_version TEXT;
ALTER TABLE accounts ADD COLUMN consent_at INTEGER;
