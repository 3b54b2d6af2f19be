import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseTooNewError, MigrationError, migrate, schemaVersion } from "../../src/db/migrate.ts";
import { MIGRATIONS } from "../../src/db/migrations.ts";
import { openDatabase } from "../../src/db/open.ts";
import { tempDir } from "../helpers/server.ts";

const dirs: Array<{ remove: () => void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function freshDb() {
  const dir = tempDir();
  dirs.push(dir);
  return openDatabase(join(dir.path, "test.db"));
}

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
}

describe("migrations", () => {
  test("every file in migrations/ is embedded, in order, named NNNN_verb_noun.sql", () => {
    const files = readdirSync(join(import.meta.dir, "../../migrations")).filter((f) => f.endsWith(".sql")).sort();
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
    MIGRATIONS.forEach((m, i) => {
      expect(m.version).toBe(i + 1);
      expect(m.name).toMatch(new RegExp(`^${String(i + 1).padStart(4, "0")}_[a-z]+(_[a-z]+)+\\.sql$`));
    });
  });

  test("a fresh database gets every migration, recorded; applying again is a no-op", () => {
    const db = freshDb();
    expect(migrate(db, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const before = tables(db);
    expect(before).toContain("accounts");
    expect(migrate(db, MIGRATIONS)).toEqual([]);
    expect(tables(db)).toEqual(before);
    expect(db.query("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: MIGRATIONS.length });
  });

  test("the pragmas are set: WAL, foreign keys, busy timeout", () => {
    const db = freshDb();
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
    expect(db.query("PRAGMA busy_timeout").get()).toEqual({ timeout: 5000 });
    expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
  });

  test("a failing migration names its file and SQLite's message and leaves the database as it was", () => {
    const db = freshDb();
    migrate(db, MIGRATIONS);
    const before = tables(db);
    const broken = {
      version: MIGRATIONS.length + 1,
      name: "9999_break_things.sql",
      sql: "CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);",
    };
    let error: unknown;
    try {
      migrate(db, [...MIGRATIONS, broken]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toContain("9999_break_things.sql");
    expect((error as Error).message).toContain("no such table: no_such_table");
    expect(tables(db)).toEqual(before);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  test("a database newer than this executable is refused with a clear message", () => {
    const db = freshDb();
    migrate(db, MIGRATIONS);
    db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [99, "0099_future.sql", 0]);
    expect(() => migrate(db, MIGRATIONS)).toThrow(DatabaseTooNewError);
    expect(() => migrate(db, MIGRATIONS)).toThrow(/schema version 99, newer than this youmeet knows/);
  });

  test("every table that refers to accounts deletes with it (ON DELETE CASCADE)", () => {
    const db = freshDb();
    migrate(db, MIGRATIONS);
    for (const table of tables(db)) {
      const keys = db.query<{ table: string; on_delete: string }, []>(`PRAGMA foreign_key_list(${table})`).all();
      for (const key of keys.filter((k) => k.table === "accounts")) expect(`${table}:${key.on_delete}`).toBe(`${table}:CASCADE`);
    }
  });
});
