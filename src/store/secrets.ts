import type { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";

/** SQL over server_secrets: keys generated once per data directory. */
export class SecretStore {
  constructor(private readonly db: Database) {}

  /** The named secret, created with `bytes` random bytes the first time it is asked for. */
  getOrCreate(name: string, bytes: number, now: number): Uint8Array {
    this.db
      .query("INSERT OR IGNORE INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)")
      .run(name, randomBytes(bytes), now);
    return this.db.query<{ value: Uint8Array }, [string]>("SELECT value FROM server_secrets WHERE name = ?").get(name)!.value;
  }
}
