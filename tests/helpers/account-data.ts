import type { Database } from "bun:sqlite";
import type { TestClient } from "./server.ts";

interface KeyRow {
  table: string;
  from: string;
  to: string | null;
}

/**
 * The tables that refer to accounts, found by the test's own walk over sqlite_master and
 * PRAGMA foreign_key_list (independent of src/store/account-data.ts, which it checks), with
 * the columns of each that point straight at accounts.id.
 */
export function tablesAboutAccounts(db: Database): Map<string, string[]> {
  const names = db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((row) => row.name);
  const keys = new Map(names.map((name) => [name, db.query<KeyRow, []>(`PRAGMA foreign_key_list("${name}")`).all()]));
  const found = new Set(["accounts"]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of names) {
      if (!found.has(name) && keys.get(name)!.some((key) => found.has(key.table))) {
        found.add(name);
        grew = true;
      }
    }
  }
  found.delete("accounts");
  return new Map(
    [...found].map((name) => [name, keys.get(name)!.filter((k) => k.table === "accounts" && (k.to ?? "id") === "id").map((k) => k.from)]),
  );
}

/** Rows anywhere that name this account id in a column pointing at accounts.id, by table (only non-zero ones). */
export function rowsNaming(db: Database, accountId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, columns] of tablesAboutAccounts(db)) {
    for (const column of columns) {
      const n = db.query<{ n: number }, [number]>(`SELECT count(*) AS n FROM "${table}" WHERE "${column}" = ?`).get(accountId)!.n;
      if (n > 0) out[`${table}.${column}`] = n;
    }
  }
  return out;
}

/** Every row of every table, to prove that a refused request changed nothing. */
export function snapshot(db: Database): Record<string, unknown[]> {
  const names = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  // Rows in a stable order without relying on rowid (WITHOUT ROWID tables have none).
  const rowsOf = (name: string) => db.query(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row)).sort();
  return Object.fromEntries(names.map(({ name }) => [name, rowsOf(name)]));
}

/** Logs in with the dev login from a browser with this User-Agent. */
export async function loginAs(client: TestClient, name: string, userAgent: string): Promise<void> {
  await client.send("GET", "/login", { headers: { "user-agent": userAgent } });
  const answer = await client.post("/auth/dev", { name }, { headers: { "user-agent": userAgent } });
  if (answer.status !== 303) throw new Error(`login failed: ${answer.status} ${answer.text}`);
  await client.send("GET", "/dashboard", { headers: { "user-agent": userAgent } });
}

/** Sends JSON to the API with the page's form token, like a script in the browser would. */
export function api(client: TestClient, method: string, path: string, json?: unknown) {
  return client.send(method, path, { json, headers: { "x-csrf-token": client.csrfToken } });
}

export const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
export const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
export const CHROME_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
