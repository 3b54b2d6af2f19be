import createAccounts from "../../migrations/0001_create_accounts.sql" with { type: "text" };
import createSessions from "../../migrations/0002_create_sessions.sql" with { type: "text" };
import createUsedLoginHashes from "../../migrations/0003_create_used_login_hashes.sql" with { type: "text" };
import createServerSecrets from "../../migrations/0004_create_server_secrets.sql" with { type: "text" };
import createRooms from "../../migrations/0005_create_rooms.sql" with { type: "text" };
import createContacts from "../../migrations/0010_create_contacts.sql" with { type: "text" };
import createCallSettings from "../../migrations/0011_create_call_settings.sql" with { type: "text" };
import type { Migration } from "./migrate.ts";

/**
 * Every migration file, embedded in the executable. A test checks this list against the
 * migrations/ folder, so a new file cannot be forgotten here.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "0001_create_accounts.sql", sql: createAccounts },
  { version: 2, name: "0002_create_sessions.sql", sql: createSessions },
  { version: 3, name: "0003_create_used_login_hashes.sql", sql: createUsedLoginHashes },
  { version: 4, name: "0004_create_server_secrets.sql", sql: createServerSecrets },
  { version: 5, name: "0005_create_rooms.sql", sql: createRooms },
  { version: 10, name: "0010_create_contacts.sql", sql: createContacts },
  { version: 11, name: "0011_create_call_settings.sql", sql: createCallSettings },
];
