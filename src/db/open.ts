import { Database } from "bun:sqlite";

/** Opens (creating if needed) the SQLite file with the pragmas every connection needs. */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Database {
  const db = options.readonly
    ? new Database(path, { readonly: true, strict: true })
    : new Database(path, { create: true, readwrite: true, strict: true });
  // busy_timeout first: the WAL switch itself can meet a lock held by another process
  // (the admin CLI runs beside the server).
  db.exec("PRAGMA busy_timeout = 5000");
  if (!options.readonly) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}
