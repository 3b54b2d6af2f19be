import { createHash } from "node:crypto";
import { BadInput, NotFound } from "../errors.ts";
import type { Logger } from "../log/logger.ts";
import type { AccountData } from "../store/account-data.ts";
import type { Account } from "../store/accounts.ts";
import type { Stores } from "../store/index.ts";
import { describeDevice, type DeviceDescription } from "./device.ts";
import { normaliseDisplayName } from "./profile.ts";

/** What deleting an account needs from the calls in progress (the signaling hub). */
export interface AccountCalls {
  /** Ends a room's call for everyone, telling them the room was deleted. */
  endCall(roomId: string, reason: "room-deleted"): void;
  /** Takes the account out of every call it is in; those calls go on for the others. */
  dropAccount(accountId: number, message: string): void;
}

/** The export file: every row about the account, and how to read it. */
export interface ExportFile extends AccountData {
  format: "youmeet-export";
  version: 1;
  exportedAt: string;
  server: string;
  about: string[];
}

/** One of the account's login sessions as the "My data" page lists it. */
export interface SessionView extends DeviceDescription {
  /** Names the session in "log out this session" without revealing its token hash. */
  handle: string;
  userAgent: string | null;
  createdAt: number;
  lastUsedAt: number;
  current: boolean;
}

/** Shape of a session handle: 22 base64url characters. */
const SESSION_HANDLE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Why an account is being deleted, for the log. */
export type DeletionReason = "deleted_by_user" | "consent_withdrawn";

const ABOUT = [
  "This file holds every row this youmeet server stores about you: your account, and every row of every table that refers to your account, directly or through another such row (your rooms, say).",
  "Times are milliseconds since 1970-01-01 UTC. Binary values are written as hexadecimal text. Rows that refer to your account carry its internal id (account.id).",
  "Columns listed under \"withheld\" exist but are not handed out; the reason is given for each.",
];

/**
 * The user's rights over their data (DESIGN.md §1): see it, export it, correct it, delete it,
 * and give or withdraw consent. Export and deletion walk the schema, so tables added later
 * are covered without changes here.
 */
export class DataRights {
  constructor(
    private readonly stores: Stores,
    private readonly calls: AccountCalls,
    private readonly options: { publicUrl: string; privacyPolicyVersion: string; logger: Logger },
    private readonly now: () => number = Date.now,
  ) {}

  /** The privacy policy version in force. */
  get policyVersion(): string {
    return this.options.privacyPolicyVersion;
  }

  /** True when the account has not accepted the policy version in force. */
  needsConsent(account: Account): boolean {
    return account.consentVersion !== this.options.privacyPolicyVersion;
  }

  /** Everything stored about the account, as one JSON file. */
  exportFile(account: Account): ExportFile {
    const data = this.stores.accountData.collect(account.id);
    if (!data) throw accountGone();
    return {
      format: "youmeet-export",
      version: 1,
      exportedAt: new Date(this.now()).toISOString(),
      server: this.options.publicUrl,
      about: ABOUT,
      ...data,
    };
  }

  /**
   * How many rows of each table deleting the account would touch (the confirmation names
   * them), and which tables keep their rows, no longer linked to the account (SET NULL keys).
   */
  deletionSummary(account: Account): { counts: Record<string, number>; unlinked: string[] } {
    return { counts: this.stores.accountData.count(account.id), unlinked: this.stores.accountData.unlinkedOnDelete() };
  }

  /**
   * Deletes the account and everything that refers to it in one transaction, then ends the
   * calls in the rooms it owned and takes it out of the calls it was in. Returns what went.
   */
  deleteAccount(account: Account, reason: DeletionReason): Record<string, number> {
    const removed = this.stores.transaction(() => {
      const counts = this.stores.accountData.count(account.id);
      const rooms = this.stores.rooms.listByOwner(account.id).map((room) => room.id);
      if (!this.stores.accountData.deleteAccount(account.id)) throw accountGone();
      return { counts, rooms };
    });
    // After the commit: a socket that reconnects now finds neither the session nor the rooms.
    for (const roomId of removed.rooms) this.calls.endCall(roomId, "room-deleted");
    this.calls.dropAccount(account.id, "Your account was deleted, so you left the call.");
    this.options.logger.info("account_deleted", { youmeet_id: account.youmeetId, reason, rows: removed.counts });
    return removed.counts;
  }

  /**
   * Corrects the display name and/or interface language (null resets either to Telegram's);
   * both are checked before either is written.
   */
  updateProfile(account: Account, changes: { displayName?: string | null; language?: "en" | "ru" | null }): Account {
    const displayName = changes.displayName === undefined ? undefined : normaliseDisplayName(changes.displayName);
    const now = this.now();
    return this.stores.transaction(() => {
      let updated: Account | null = account;
      if (displayName !== undefined) updated = this.stores.accounts.setDisplayName(account.id, displayName, now);
      if (changes.language !== undefined) updated = this.stores.accounts.setLanguage(account.id, changes.language, now);
      if (!updated) throw accountGone();
      return updated;
    });
  }

  /** The account's login sessions, most recently used first; `current` marks the one asking. */
  sessions(account: Account, currentHash: Uint8Array | null): SessionView[] {
    return this.stores.sessions.listByAccount(account.id).map((session) => ({
      handle: sessionHandle(session.tokenHash),
      userAgent: session.userAgent,
      ...describeDevice(session.userAgent),
      createdAt: session.createdAt,
      lastUsedAt: session.lastUsedAt,
      current: sameHash(session.tokenHash, currentHash),
    }));
  }

  /** Logs out one of the account's own sessions; someone else's (or an unknown) handle is NotFound. */
  endSession(account: Account, handle: string, currentHash: Uint8Array | null): { wasCurrent: boolean } {
    const session = SESSION_HANDLE_PATTERN.test(handle)
      ? this.stores.sessions.listByAccount(account.id).find((s) => sessionHandle(s.tokenHash) === handle)
      : undefined;
    if (!session || !this.stores.sessions.deleteOwned(session.tokenHash, account.id)) {
      throw new NotFound("session.not_found", "You have no session with this id; it may have ended already.");
    }
    return { wasCurrent: sameHash(session.tokenHash, currentHash) };
  }

  /** Records that the user accepted the policy version they were shown, if it is still the one in force. */
  acceptPolicy(account: Account, shownVersion: string): Account {
    if (shownVersion !== this.options.privacyPolicyVersion) {
      throw new BadInput("privacy.version_changed", "The privacy policy changed again while you were reading; read the new version and accept it.");
    }
    const updated = this.stores.accounts.recordConsent(account.id, shownVersion, this.now());
    if (!updated) throw accountGone();
    return updated;
  }
}

/** The account vanished between the request's login check and now (deleted in another tab, say). */
function accountGone(): NotFound {
  return new NotFound("account.not_found", "This account no longer exists.");
}

function sameHash(a: Uint8Array, b: Uint8Array | null): boolean {
  return b !== null && Buffer.from(a).equals(Buffer.from(b));
}

/** A session's public name: a hash of its token hash, so it cannot be turned back into a credential. */
function sessionHandle(tokenHash: Uint8Array): string {
  return createHash("sha256").update("youmeet-session-handle:").update(tokenHash).digest("base64url").slice(0, 22);
}
