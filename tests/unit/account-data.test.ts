import type { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate.ts";
import { MIGRATIONS } from "../../src/db/migrations.ts";
import { openDatabase } from "../../src/db/open.ts";
import { foreignKeys, referringTables, schemaTables, tableColumns } from "../../src/store/account-data.ts";
import { createStores, type Stores } from "../../src/store/index.ts";
import { tempDir } from "../helpers/server.ts";

const dirs: Array<{ remove: () => void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function freshDb(): Database {
  const dir = tempDir();
  dirs.push(dir);
  const db = openDatabase(join(dir.path, "test.db"));
  migrate(db, MIGRATIONS);
  return db;
}

const profile = (telegramId: number, firstName: string) => ({
  telegramId,
  firstName,
  lastName: null,
  username: null,
  photoUrl: null,
  telegramLanguage: null,
  region: null,
});

/**
 * Tables the other features will add look like these: a two-way table (contacts), rows of a
 * room (two levels down), rows of those (three), a key to another accounts column, a key
 * that clears itself, and a table about nobody.
 */
const LATER_TABLES = `
CREATE TABLE pairs (owner_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  other_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, note TEXT) STRICT;
CREATE TABLE room_notes (id INTEGER PRIMARY KEY, room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE, note TEXT) STRICT;
CREATE TABLE note_marks (note_id INTEGER NOT NULL REFERENCES room_notes(id) ON DELETE CASCADE, mark BLOB) STRICT;
CREATE TABLE by_public_id (youmeet_id TEXT REFERENCES accounts(youmeet_id) ON DELETE CASCADE, v TEXT) STRICT;
CREATE TABLE cleared (account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL, v TEXT) STRICT;
CREATE TABLE about_nobody (x TEXT) STRICT;`;

function seed(stores: Stores, db: Database) {
  const now = 1_700_000_000_000;
  const ada = stores.accounts.insert("ada-aaa-aaa", profile(1, "Ada"), now);
  const grace = stores.accounts.insert("grc-ggg-ggg", profile(2, "Grace"), now);
  for (const [who, n] of [[ada, 1], [grace, 2]] as const) {
    stores.sessions.insert({
      tokenHash: new Uint8Array(32).fill(n),
      accountId: who.id,
      userAgent: `agent ${n}`,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + 1,
      absoluteExpiresAt: now + 2,
    });
    stores.rooms.insert({ id: `room${n}`, ownerId: who.id, name: `${who.firstName}'s`, allowGuests: true, createdAt: now });
  }
  db.run("INSERT INTO pairs VALUES (?, ?, 'ada knows grace'), (?, ?, 'grace knows ada'), (?, ?, 'grace alone')", [ada.id, grace.id, grace.id, ada.id, grace.id, grace.id]);
  db.run("INSERT INTO room_notes VALUES (1, 'room1', 'in ada''s room'), (2, 'room2', 'in grace''s room')");
  db.run("INSERT INTO note_marks VALUES (1, x'cafe'), (2, x'beef')");
  db.run("INSERT INTO by_public_id VALUES ('ada-aaa-aaa', 'a'), ('grc-ggg-ggg', 'g')");
  db.run("INSERT INTO cleared VALUES (?, 'ada'), (?, 'grace')", [ada.id, grace.id]);
  db.run("INSERT INTO about_nobody VALUES ('x')");
  return { ada, grace };
}

describe("the schema walk", () => {
  test("finds every table that refers to accounts, at any depth, and no other", () => {
    const db = freshDb();
    db.exec(LATER_TABLES);
    const found = referringTables(db).map((t) => [t.name, t.direct]);
    // The real schema's own tables (feedback, contacts, ...) are found too; these must be, and no unrelated one.
    expect(found).toEqual(expect.arrayContaining([
      ["by_public_id", true],
      ["cleared", true],
      ["note_marks", false],
      ["pairs", true],
      ["room_notes", false],
      ["rooms", true],
      ["sessions", true],
    ]));
    expect(found.map(([name]) => name)).not.toContain("about_nobody");
  });

  test("exports exactly the account's rows of every referring table, both ways, BLOBs as hex, the token hash withheld", () => {
    const db = freshDb();
    db.exec(LATER_TABLES);
    const stores = createStores(db);
    const { ada } = seed(stores, db);
    const data = stores.accountData.collect(ada.id)!;
    expect(data.account).toMatchObject({ id: ada.id, youmeet_id: "ada-aaa-aaa", first_name: "Ada", display_name: null });
    expect(data.tables.sessions).toEqual([
      { account_id: ada.id, user_agent: "agent 1", created_at: 1_700_000_000_000, last_used_at: 1_700_000_000_000, expires_at: 1_700_000_000_001, absolute_expires_at: 1_700_000_000_002 },
    ]);
    expect(data.tables.rooms!.map((r) => r.id)).toEqual(["room1"]);
    expect(data.tables.pairs!.map((r) => r.note)).toEqual(["ada knows grace", "grace knows ada"]);
    expect(data.tables.room_notes!.map((r) => r.note)).toEqual(["in ada's room"]);
    expect(data.tables.note_marks).toEqual([{ note_id: 1, mark: "cafe" }]);
    expect(data.tables.by_public_id).toEqual([{ youmeet_id: "ada-aaa-aaa", v: "a" }]);
    expect(data.tables.cleared).toEqual([{ account_id: ada.id, v: "ada" }]);
    expect(Object.keys(data.tables)).not.toContain("about_nobody");
    expect(data.withheld.sessions!.token_hash).toContain("credential");
    expect(JSON.stringify(data)).not.toContain("0101010101");
    const counts = stores.accountData.count(ada.id);
    expect(counts).toEqual(Object.fromEntries(Object.entries(data.tables).map(([name, rows]) => [name, rows.length])));
    expect(stores.accountData.collect(999)).toBeNull();
  });

  test("deleting leaves no row that refers to the account and every other account's rows as they were", () => {
    const db = freshDb();
    db.exec(LATER_TABLES);
    const stores = createStores(db);
    const { ada, grace } = seed(stores, db);
    const graceBefore = stores.accountData.collect(grace.id)!;
    expect(stores.transaction(() => stores.accountData.deleteAccount(ada.id))).toBe(true);

    expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    expect(Object.values(stores.accountData.count(ada.id)).every((n) => n === 0)).toBe(true);
    expect(db.query("SELECT count(*) AS n FROM cleared WHERE account_id IS NULL").get()).toEqual({ n: 1 });
    expect(stores.accountData.unlinkedOnDelete()).toEqual(["cleared"]);
    expect(db.query("SELECT x FROM about_nobody").all()).toEqual([{ x: "x" }]);
    // Grace keeps everything except the one row that was about Ada too (Grace's contact entry for Ada).
    const graceAfter = stores.accountData.collect(grace.id)!;
    expect(graceAfter.tables.pairs!.map((r) => r.note)).toEqual(["grace alone"]);
    expect({ ...graceAfter.tables, pairs: [] }).toEqual({ ...graceBefore.tables, pairs: [] });
    expect(graceAfter.account).toEqual(graceBefore.account);
    expect(stores.accountData.deleteAccount(ada.id)).toBe(false);
  });

  test("a reference declared without ON DELETE CASCADE or SET NULL makes the deletion fail and change nothing", () => {
    const db = freshDb();
    db.exec("CREATE TABLE kept (account_id INTEGER NOT NULL REFERENCES accounts(id), v TEXT) STRICT");
    const stores = createStores(db);
    const ada = stores.accounts.insert("ada-aaa-aaa", profile(1, "Ada"), 1);
    stores.rooms.insert({ id: "room1", ownerId: ada.id, name: null, allowGuests: true, createdAt: 1 });
    db.run("INSERT INTO kept VALUES (?, 'v')", [ada.id]);
    expect(() => stores.transaction(() => stores.accountData.deleteAccount(ada.id))).toThrow(/FOREIGN KEY/);
    expect(stores.accountData.count(ada.id)).toMatchObject({ kept: 1, rooms: 1, sessions: 0 });
  });
});

describe("the real schema (as migrated) keeps the walk honest", () => {
  test("every key that leads to accounts deletes or clears itself with the account", () => {
    const db = freshDb();
    for (const table of referringTables(db)) {
      for (const key of table.keys) expect([table.name, key.onDelete]).toEqual([table.name, expect.stringMatching(/^(CASCADE|SET NULL)$/)]);
    }
  });

  test("every column named like a reference to a person is a declared foreign key, so the walk can see it", () => {
    const db = freshDb();
    const looksLikePerson = /(^|_)(account|owner|user|member|contact|caller|callee|sender|youmeet)(_id)?$/;
    for (const table of schemaTables(db).filter((name) => name !== "accounts")) {
      const declared = new Set(foreignKeys(db, table).flatMap((k) => k.from));
      for (const column of tableColumns(db, table).map((c) => c.name).filter((name) => looksLikePerson.test(name))) {
        expect(`${table}.${column} declared: ${declared.has(column)}`).toBe(`${table}.${column} declared: true`);
      }
    }
  });
});
