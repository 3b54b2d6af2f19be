import type { Database } from "bun:sqlite";

/** One forward-only schema step, from a `migrations/NNNN_verb_noun.sql` file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** A migration failed; the database is left as it was before that file. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly sqliteMessage: string,
  ) {
    super(`Migration ${file} failed: ${sqliteMessage}. The database was left unchanged by it.`);
    this.name = "MigrationError";
  }
}

/** The database was written by a newer youmeet than this one. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `The database is at schema version ${databaseVersion}, newer than this youmeet knows ` +
        `(${knownVersion}); run the newer youmeet or restore a backup.`,
    );
    this.name = "DatabaseTooNewError";
  }
}

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`;

/** Schema version recorded in the database (0 for a new file). */
export function schemaVersion(db: Database): number {
  db.exec(CREATE_LEDGER);
  const row = db.query<{ version: number | null }, []>("SELECT max(version) AS version FROM schema_migrations").get();
  return row?.version ?? 0;
}

/**
 * Applies pending migrations in order, each in its own transaction with its ledger row,
 * and returns the names applied. Refuses a database newer than `migrations`.
 */
export function migrate(db: Database, migrations: readonly Migration[], now: () => number = Date.now): string[] {
  const current = schemaVersion(db);
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > known) throw new DatabaseTooNewError(current, known);

  const record = db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const applied: string[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now());
    });
    try {
      apply();
    } catch (error) {
      throw new MigrationError(migration.name, error instanceof Error ? error.message : String(error));
    }
    applied.push(migration.name);
  }
  return applied;
}
