import createAccounts from "../../migrations/0001_create_accounts.sql" with { type: "text" };
import createSessions from "../../migrations/0002_create_sessions.sql" with { type: "text" };
import createUsedLoginHashes from "../../migrations/0003_create_used_login_hashes.sql" with { type: "text" };
import createServerSecrets from "../../migrations/0004_create_server_secrets.sql" with { type: "text" };
import createRooms from "../../migrations/0005_create_rooms.sql" with { type: "text" };
import addAccountDisplayName from "../../migrations/0006_add_account_display_name.sql" with { type: "text" };
import addAccountConsent from "../../migrations/0007_add_account_consent.sql" with { type: "text" };
import createFeedback from "../../migrations/0008_create_feedback.sql" with { type: "text" };
import createServiceNotice from "../../migrations/0009_create_service_notice.sql" with { type: "text" };
import createPlans from "../../migrations/0010_create_plans.sql" with { type: "text" };
import createAccountBans from "../../migrations/0011_create_account_bans.sql" with { type: "text" };
import createContacts from "../../migrations/0012_create_contacts.sql" with { type: "text" };
import createCallSettings from "../../migrations/0013_create_call_settings.sql" with { type: "text" };
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
  { version: 6, name: "0006_add_account_display_name.sql", sql: addAccountDisplayName },
  { version: 7, name: "0007_add_account_consent.sql", sql: addAccountConsent },
  { version: 8, name: "0008_create_feedback.sql", sql: createFeedback },
  { version: 9, name: "0009_create_service_notice.sql", sql: createServiceNotice },
  { version: 10, name: "0010_create_plans.sql", sql: createPlans },
  { version: 11, name: "0011_create_account_bans.sql", sql: createAccountBans },
  { version: 12, name: "0012_create_contacts.sql", sql: createContacts },
  { version: 13, name: "0013_create_call_settings.sql", sql: createCallSettings },
];
