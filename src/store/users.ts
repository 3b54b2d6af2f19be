import type { Database } from "bun:sqlite";

/** One account as the operator's list shows it: who, which plan, when, banned or not. */
export interface UserRow {
  id: number;
  youmeetId: string;
  firstName: string;
  lastName: string | null;
  username: string | null;
  plan: string;
  createdAt: number;
  lastSeenAt: number;
  bannedAt: number | null;
}

interface Row {
  id: number;
  youmeet_id: string;
  first_name: string;
  last_name: string | null;
  username: string | null;
  plan: string;
  created_at: number;
  last_seen_at: number;
  banned_at: number | null;
}

const SELECT = `SELECT a.id, a.youmeet_id, a.first_name, a.last_name, a.username, a.plan, a.created_at, a.last_seen_at, b.banned_at
  FROM accounts a LEFT JOIN account_bans b ON b.account_id = a.id`;

function toUser(row: Row): UserRow {
  return {
    id: row.id,
    youmeetId: row.youmeet_id,
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    plan: row.plan,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    bannedAt: row.banned_at,
  };
}

/** SQL for the operator's view of accounts (youmeet admin users). */
export class UserStore {
  constructor(private readonly db: Database) {}

  /** Every account, oldest first. */
  list(): UserRow[] {
    return this.db.query<Row, []>(`${SELECT} ORDER BY a.created_at, a.id`).all().map(toUser);
  }

  /** The account with this youmeet ID, or null. */
  findByYoumeetId(youmeetId: string): UserRow | null {
    const row = this.db.query<Row, [string]>(`${SELECT} WHERE a.youmeet_id = ?`).get(youmeetId);
    return row ? toUser(row) : null;
  }

  /** Accounts whose Telegram @username is this one (case-insensitive; normally one). */
  findByUsername(username: string): UserRow[] {
    return this.db.query<Row, [string]>(`${SELECT} WHERE a.username = ? COLLATE NOCASE ORDER BY a.id`).all(username).map(toUser);
  }
}
