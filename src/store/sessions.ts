import type { Database } from "bun:sqlite";

/** A login session row; the token itself is never stored, only its SHA-256. */
export interface SessionRecord {
  tokenHash: Uint8Array;
  accountId: number;
  userAgent: string | null;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

interface SessionRow {
  token_hash: Uint8Array;
  account_id: number;
  user_agent: string | null;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  absolute_expires_at: number;
}

const COLUMNS = "token_hash, account_id, user_agent, created_at, last_used_at, expires_at, absolute_expires_at";

function toSession(row: SessionRow | null): SessionRecord | null {
  if (!row) return null;
  return {
    tokenHash: row.token_hash,
    accountId: row.account_id,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
  };
}

/** SQL over the sessions table. */
export class SessionStore {
  constructor(private readonly db: Database) {}

  /** Stores a new session. */
  insert(session: SessionRecord): void {
    this.db
      .query(`INSERT INTO sessions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(
        session.tokenHash,
        session.accountId,
        session.userAgent,
        session.createdAt,
        session.lastUsedAt,
        session.expiresAt,
        session.absoluteExpiresAt,
      );
  }

  /** The session with this token hash, or null. */
  find(tokenHash: Uint8Array): SessionRecord | null {
    return toSession(
      this.db.query<SessionRow, [Uint8Array]>(`SELECT ${COLUMNS} FROM sessions WHERE token_hash = ?`).get(tokenHash),
    );
  }

  /** Slides a session's expiry forward. */
  touch(tokenHash: Uint8Array, lastUsedAt: number, expiresAt: number): void {
    this.db
      .query("UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE token_hash = ?")
      .run(lastUsedAt, expiresAt, tokenHash);
  }

  /** Ends one session. */
  delete(tokenHash: Uint8Array): void {
    this.db.query("DELETE FROM sessions WHERE token_hash = ?").run(tokenHash);
  }

  /** An account's sessions, most recently used first. */
  listByAccount(accountId: number): SessionRecord[] {
    return this.db
      .query<SessionRow, [number]>(`SELECT ${COLUMNS} FROM sessions WHERE account_id = ? ORDER BY last_used_at DESC, created_at DESC`)
      .all(accountId)
      .map((row) => toSession(row)!);
  }

  /** Ends one of an account's sessions (the owner check is in the WHERE); false when it is not theirs. */
  deleteOwned(tokenHash: Uint8Array, accountId: number): boolean {
    return this.db.query("DELETE FROM sessions WHERE token_hash = ? AND account_id = ?").run(tokenHash, accountId).changes === 1;
  }

  /** Deletes sessions past either expiry; returns how many. */
  deleteExpired(now: number): number {
    return this.db.query("DELETE FROM sessions WHERE expires_at <= ? OR absolute_expires_at <= ?").run(now, now).changes;
  }

  /** How many live or not yet swept sessions an account has. */
  countForAccount(accountId: number): number {
    return this.db.query<{ n: number }, [number]>("SELECT count(*) AS n FROM sessions WHERE account_id = ?").get(accountId)!.n;
  }

  /** Ends every session of an account (a ban); returns how many. */
  deleteForAccount(accountId: number): number {
    return this.db.query("DELETE FROM sessions WHERE account_id = ?").run(accountId).changes;
  }
}
