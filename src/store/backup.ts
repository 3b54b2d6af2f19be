import type { Database } from "bun:sqlite";

/**
 * Writes a consistent copy of the database to `path` with VACUUM INTO: one read transaction,
 * so it is safe while the server writes, and the copy is compact and needs no WAL file.
 * SQLite refuses to write over an existing file; the caller checks first to say so plainly.
 */
export function backupDatabase(db: Database, path: string): void {
  db.query("VACUUM INTO ?").run(path);
}
