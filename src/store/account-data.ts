import type { Database } from "bun:sqlite";

/**
 * Everything stored about one account, found by walking the schema rather than by a list of
 * tables: every table with a foreign key to `accounts`, and every table with a foreign key to
 * such a table (a room's rows, say), however deep. A table added by a later migration is in
 * the export, the deletion counts and the deletion check without anyone editing this file,
 * as long as it declares its references with REFERENCES (the tests check that too).
 *
 * This is the one module that builds SQL from names: they come from sqlite_master and PRAGMA
 * answers (our own migrations), are quoted as identifiers, and the account id is a parameter.
 */

/** A column value as exported: BLOBs become hex text so the file is plain JSON. */
export type ExportValue = string | number | null;
/** One row as exported: column name -> value. */
export type ExportRow = Record<string, ExportValue>;

/**
 * Columns that are about the user but are not handed out, and why. Keyed by table, then column.
 * The page and the file both state these reasons, so the user knows what exists but is withheld.
 */
export const WITHHELD_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sessions: {
    token_hash:
      "A credential: the SHA-256 of a login cookie. Anyone holding it could look the session up, so it never leaves the server; each session's device and dates are exported instead.",
  },
};

/** A foreign key of a table: its columns, the table it points at, and that table's columns. */
export interface ForeignKey {
  from: string[];
  parent: string;
  to: string[];
  onDelete: string;
}

/** A table that refers to accounts, directly or through other referring tables. */
export interface ReferringTable {
  name: string;
  /** The foreign keys that lead (directly or not) to accounts. */
  keys: ForeignKey[];
  /** True when one of them points at accounts itself. */
  direct: boolean;
}

const ACCOUNTS = "accounts";

/** Quotes an SQL identifier. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Every table of the schema except SQLite's own. */
export function schemaTables(db: Database): string[] {
  return db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .all()
    .map((row) => row.name);
}

/** A table's columns in declaration order. */
export function tableColumns(db: Database, table: string): { name: string; pk: number }[] {
  return db.query<{ name: string; pk: number }, []>(`SELECT name, pk FROM pragma_table_info(${quoteText(table)})`).all();
}

function quoteText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A table's foreign keys, composite ones kept together; an omitted parent column means its primary key. */
export function foreignKeys(db: Database, table: string): ForeignKey[] {
  const rows = db
    .query<{ id: number; seq: number; table: string; from: string; to: string | null; on_delete: string }, []>(
      `SELECT id, seq, "table", "from", "to", on_delete FROM pragma_foreign_key_list(${quoteText(table)}) ORDER BY id, seq`,
    )
    .all();
  const byId = new Map<number, ForeignKey & { implicit: boolean }>();
  for (const row of rows) {
    const key = byId.get(row.id) ?? { from: [], parent: row.table, to: [], onDelete: row.on_delete, implicit: false };
    key.from.push(row.from);
    if (row.to === null) key.implicit = true;
    else key.to.push(row.to);
    byId.set(row.id, key);
  }
  return [...byId.values()].map(({ implicit, ...key }) => ({
    ...key,
    to: implicit ? primaryKey(db, key.parent) : key.to,
  }));
}

function primaryKey(db: Database, table: string): string[] {
  const columns = tableColumns(db, table).filter((c) => c.pk > 0);
  return columns.length > 0 ? columns.sort((a, b) => a.pk - b.pk).map((c) => c.name) : ["rowid"];
}

/** Walks the schema: every table that refers to accounts, directly or through other such tables. */
export function referringTables(db: Database): ReferringTable[] {
  const keysOf = new Map(schemaTables(db).filter((name) => name !== ACCOUNTS).map((name) => [name, foreignKeys(db, name)]));
  const found = new Set<string>();
  // Grow the set until no table joins it: a table joins once one of its keys points into it.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, keys] of keysOf) {
      if (!found.has(name) && keys.some((k) => k.parent === ACCOUNTS || found.has(k.parent))) {
        found.add(name);
        grew = true;
      }
    }
  }
  return [...found].sort().map((name) => {
    const keys = keysOf.get(name)!.filter((k) => k.parent === ACCOUNTS || (found.has(k.parent) && k.parent !== name));
    return { name, keys, direct: keys.some((k) => k.parent === ACCOUNTS) };
  });
}

/**
 * SQL condition selecting the rows of `table` that belong to the account `$account`:
 * a key into accounts matches the id; a key into another referring table matches a row that
 * belongs to the account in turn. `path` stops a cycle of references from recursing forever.
 */
function ownership(table: string, byName: Map<string, ReferringTable>, path: string[] = []): string {
  if (table === ACCOUNTS) return `${ident("id")} = $account`;
  const conditions = byName
    .get(table)!
    .keys.filter((key) => !path.includes(key.parent))
    .map((key) => {
      if (key.parent === ACCOUNTS && key.to.length === 1 && key.to[0] === "id") return `${ident(key.from[0]!)} = $account`;
      const from = key.from.length === 1 ? ident(key.from[0]!) : `(${key.from.map(ident).join(", ")})`;
      const inner = ownership(key.parent, byName, [...path, table]);
      return `${from} IN (SELECT ${key.to.map(ident).join(", ")} FROM ${ident(key.parent)} WHERE ${inner})`;
    });
  return conditions.length > 0 ? conditions.map((c) => `(${c})`).join(" OR ") : "0";
}

function exportValue(value: unknown): ExportValue {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (typeof value === "bigint") return value.toString();
  return value as ExportValue;
}

/** The account's data as the export file holds it: its own row and every referring table's rows. */
export interface AccountData {
  account: ExportRow;
  /** Every referring table, even when empty, so the file shows what was looked at. */
  tables: Record<string, ExportRow[]>;
  /** Columns withheld from the rows above, with the reason: table -> column -> why. */
  withheld: Record<string, Record<string, string>>;
}

/** Reads, counts and deletes everything stored about an account, by walking the schema. */
export class AccountDataStore {
  constructor(private readonly db: Database) {}

  /** The tables that refer to accounts (the walk is cheap: a few PRAGMAs). */
  tables(): ReferringTable[] {
    return referringTables(this.db);
  }

  /** Tables whose every key to the account is ON DELETE SET NULL: their rows stay, unlinked, when it goes. */
  unlinkedOnDelete(): string[] {
    return this.tables()
      .filter((table) => table.keys.every((key) => key.onDelete === "SET NULL"))
      .map((table) => table.name);
  }

  /** Every row about the account, or null when there is no such account. */
  collect(accountId: number): AccountData | null {
    const account = this.rows(ACCOUNTS, `${ident("id")} = $account`, accountId)[0];
    if (!account) return null;
    const walk = this.tables();
    const byName = new Map(walk.map((table) => [table.name, table]));
    const tables: Record<string, ExportRow[]> = {};
    const withheld: Record<string, Record<string, string>> = {};
    for (const table of walk) {
      tables[table.name] = this.rows(table.name, ownership(table.name, byName), accountId);
      if (WITHHELD_COLUMNS[table.name]) withheld[table.name] = { ...WITHHELD_COLUMNS[table.name] };
    }
    return { account, tables, withheld };
  }

  /** How many rows of each referring table belong to the account (what deleting it removes). */
  count(accountId: number): Record<string, number> {
    const walk = this.tables();
    const byName = new Map(walk.map((table) => [table.name, table]));
    const counts: Record<string, number> = {};
    for (const table of walk) {
      counts[table.name] = this.db
        .query<{ n: number }, [{ account: number }]>(`SELECT count(*) AS n FROM ${ident(table.name)} WHERE ${ownership(table.name, byName)}`)
        .get({ account: accountId })!.n;
    }
    return counts;
  }

  /**
   * Deletes the account; every referring row goes with it by ON DELETE CASCADE (a key declared
   * without CASCADE or SET NULL makes the delete itself fail). Then checks that no row still
   * names the account's id, in case foreign keys were off on this connection. Run it inside a transaction: a failed check throws
   * and rolls the whole deletion back. Returns false when there was no such account.
   */
  deleteAccount(accountId: number): boolean {
    if (this.db.query("DELETE FROM accounts WHERE id = ?").run(accountId).changes !== 1) return false;
    for (const table of this.tables().filter((t) => t.direct)) {
      // Keys into another accounts column (youmeet_id, say) are guarded by the foreign key itself.
      for (const key of table.keys.filter((k) => k.parent === ACCOUNTS && k.to.length === 1 && k.to[0] === "id")) {
        const left = this.db
          .query<{ n: number }, [number]>(`SELECT count(*) AS n FROM ${ident(table.name)} WHERE ${ident(key.from[0]!)} = ?`)
          .get(accountId)!.n;
        if (left > 0) throw new Error(`deleting account ${accountId} left ${left} rows in ${table.name}.${key.from[0]}`);
      }
    }
    return true;
  }

  private rows(table: string, where: string, accountId: number): ExportRow[] {
    const hidden = WITHHELD_COLUMNS[table] ?? {};
    const columns = tableColumns(this.db, table);
    const shown = columns.map((c) => c.name).filter((name) => !(name in hidden));
    const order = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => ident(c.name));
    const sql = `SELECT ${shown.map(ident).join(", ")} FROM ${ident(table)} WHERE ${where}${order.length ? ` ORDER BY ${order.join(", ")}` : ""}`;
    return this.db
      .query<Record<string, unknown>, [{ account: number }]>(sql)
      .all({ account: accountId })
      .map((row) => Object.fromEntries(shown.map((name) => [name, exportValue(row[name])])));
  }
}
