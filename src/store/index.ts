import type { Database } from "bun:sqlite";
import { AccountDataStore } from "./account-data.ts";
import { AccountStore } from "./accounts.ts";
import { FeedbackStore } from "./feedback.ts";
import { CallStore } from "./calls.ts";
import { ContactStore } from "./contacts.ts";
import { LoginHashStore } from "./login-hashes.ts";
import { NoticeStore } from "./notices.ts";
import { BanStore } from "./bans.ts";
import { PlanStore } from "./plans.ts";
import { RoomStore } from "./rooms.ts";
import { SecretStore } from "./secrets.ts";
import { SessionStore } from "./sessions.ts";
import { UserStore } from "./users.ts";

/** Every store over one database connection. */
export interface Stores {
  accounts: AccountStore;
  sessions: SessionStore;
  loginHashes: LoginHashStore;
  secrets: SecretStore;
  rooms: RoomStore;
  /** Everything about one account, found by walking the schema (export, deletion). */
  accountData: AccountDataStore;
  feedback: FeedbackStore;
  notices: NoticeStore;
  plans: PlanStore;
  bans: BanStore;
  users: UserStore;
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
    accountData: new AccountDataStore(db),
    feedback: new FeedbackStore(db),
    notices: new NoticeStore(db),
    plans: new PlanStore(db),
    bans: new BanStore(db),
    users: new UserStore(db),
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
