import type { Database } from "bun:sqlite";

/** SQL over used_login_hashes: the replay guard for Telegram login payloads. */
export class LoginHashStore {
  constructor(private readonly db: Database) {}

  /** Records a hash as used; false when it was already used (a replay). */
  claim(hash: string, expiresAt: number): boolean {
    return this.db.query("INSERT OR IGNORE INTO used_login_hashes (hash, expires_at) VALUES (?, ?)").run(hash, expiresAt)
      .changes === 1;
  }

  /** Forgets hashes whose payloads have expired anyway. */
  deleteExpired(now: number): number {
    return this.db.query("DELETE FROM used_login_hashes WHERE expires_at <= ?").run(now).changes;
  }
}
