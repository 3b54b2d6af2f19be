import type { Database } from "bun:sqlite";
import { AccountStore } from "./accounts.ts";
import { CallStore } from "./calls.ts";
import { ContactStore } from "./contacts.ts";
import { LoginHashStore } from "./login-hashes.ts";
import { RoomStore } from "./rooms.ts";
import { SecretStore } from "./secrets.ts";
import { SessionStore } from "./sessions.ts";

/** Every store over one database connection. */
export interface Stores {
  accounts: AccountStore;
  sessions: SessionStore;
  loginHashes: LoginHashStore;
  secrets: SecretStore;
  rooms: RoomStore;
  contacts: ContactStore;
  calls: CallStore;
  /** Runs `fn` in one synchronous transaction. */
  transaction<T>(fn: () => T): T;
  /** True when the database answers a trivial query. */
  ping(): boolean;
}

/** Builds the stores over an open, migrated database. */
export function createStores(db: Database): Stores {
  return {
    accounts: new AccountStore(db),
    sessions: new SessionStore(db),
    loginHashes: new LoginHashStore(db),
    secrets: new SecretStore(db),
    rooms: new RoomStore(db),
    contacts: new ContactStore(db),
    calls: new CallStore(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    ping: () => {
      try {
        return db.query<{ ok: number }, []>("SELECT 1 AS ok").get()?.ok === 1;
      } catch {
        return false;
      }
    },
  };
}
