import type { Database } from "bun:sqlite";

/** A ban the operator set. Times are Unix milliseconds. */
export interface BanRecord {
  accountId: number;
  reason: string | null;
  bannedAt: number;
}

interface BanRow {
  account_id: number;
  reason: string | null;
  banned_at: number;
}

/** SQL over the account_bans table. */
export class BanStore {
  constructor(private readonly db: Database) {}

  /** The ban of an account, or null when it is not banned. */
  find(accountId: number): BanRecord | null {
    const row = this.db
      .query<BanRow, [number]>("SELECT account_id, reason, banned_at FROM account_bans WHERE account_id = ?")
      .get(accountId);
    return row ? { accountId: row.account_id, reason: row.reason, bannedAt: row.banned_at } : null;
  }

  /** Whether an account may take part: it exists and is not banned. One query, for the hub's periodic check. */
  standing(accountId: number): "active" | "banned" | "deleted" {
    const row = this.db
      .query<{ banned: number }, [number]>(
        "SELECT EXISTS (SELECT 1 FROM account_bans WHERE account_id = a.id) AS banned FROM accounts a WHERE a.id = ?",
      )
      .get(accountId);
    if (!row) return "deleted";
    return row.banned === 1 ? "banned" : "active";
  }

  /** Bans an account (a second ban replaces the reason and time). */
  upsert(ban: BanRecord): void {
    this.db
      .query(
        `INSERT INTO account_bans (account_id, reason, banned_at) VALUES (?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET reason = excluded.reason, banned_at = excluded.banned_at`,
      )
      .run(ban.accountId, ban.reason, ban.bannedAt);
  }

  /** Lifts a ban; false when there was none. */
  delete(accountId: number): boolean {
    return this.db.query("DELETE FROM account_bans WHERE account_id = ?").run(accountId).changes === 1;
  }
}
