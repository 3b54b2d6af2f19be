import { Forbidden } from "../errors.ts";
import type { Stores } from "../store/index.ts";

/** Longest ban reason, in characters (it is shown to the banned person). */
export const BAN_REASON_MAX = 200;

/** The refusal a banned account gets, with the operator's reason when there is one. */
export class AccountBanned extends Forbidden {
  constructor(readonly reason: string | null) {
    super("account.banned", `The operator of this server banned your account${reason ? `: ${reason}` : ""}.`);
  }
}

/**
 * Bans by the operator. A ban ends the account's sessions in the same transaction, and login
 * refuses banned accounts, so a banned account never holds a session; calls it is in are
 * ended by the signaling hub's periodic check, which also sees bans made by `youmeet admin`
 * in another process.
 */
export class BanService {
  constructor(
    private readonly stores: Stores,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bans an account and logs it out everywhere; returns how many sessions ended. */
  ban(accountId: number, reason: string | null): number {
    return this.stores.transaction(() => {
      this.stores.bans.upsert({ accountId, reason, bannedAt: this.now() });
      return this.stores.sessions.deleteForAccount(accountId);
    });
  }

  /** Lifts a ban; false when the account was not banned. */
  unban(accountId: number): boolean {
    return this.stores.bans.delete(accountId);
  }

  /** Whether an account may take part in calls: active, banned, or deleted. */
  standing(accountId: number): "active" | "banned" | "deleted" {
    return this.stores.bans.standing(accountId);
  }
}
