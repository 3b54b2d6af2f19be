import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { admin, migratedDataDir } from "../helpers/admin.ts";
import { startServer, type RunningServer } from "../helpers/process.ts";
import { scratchDirs } from "../helpers/server.ts";

const scratch = scratchDirs();
const dir = scratch.make;
let server: RunningServer | null = null;
afterEach(() => {
  server?.proc.kill("SIGKILL");
  server = null;
  scratch.removeAll();
});

describe("youmeet admin", () => {
  test("help lists the commands without needing a database; each command has its own help", async () => {
    const d = dir();
    const overview = await admin(d, "--help");
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain("backup");
    expect(overview.stdout).toContain("Exit codes");
    const bare = await admin(d);
    expect(bare.stdout).toBe(overview.stdout);
    const backupHelp = await admin(d, "backup", "--help");
    expect(backupHelp.code).toBe(0);
    expect(backupHelp.stdout).toContain("Usage: youmeet admin backup FILE");
    expect(backupHelp.stdout).toContain("--json");
  });

  const mistakes: Array<[string, string[], RegExp]> = [
    ["an unknown command", ["nope"], /Unknown admin command "nope"; run youmeet admin --help\./],
    ["an unknown option", ["backup", "x.db", "--colour"], /Unknown option --colour for admin backup/],
    ["a missing argument", ["backup"], /Usage: youmeet admin backup FILE/],
    ["an extra argument", ["backup", "a.db", "b.db"], /Usage: youmeet admin backup FILE/],
    ["a value given to a switch", ["backup", "a.db", "--json=yes"], /--json takes no value/],
  ];
  for (const [name, words, message] of mistakes) {
    test(`${name} exits 2 with one sentence`, async () => {
      const d = dir();
      await migratedDataDir(d);
      const { code, stderr, stdout } = await admin(d, ...words);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stdout).toBe("");
    });
  }

  test("a data dir without a database is refused rather than silently created", async () => {
    const d = dir();
    const { code, stderr } = await admin(d, "backup", join(d, "copy.db"));
    expect(code).toBe(1);
    expect(stderr).toContain(`there is no database in ${d} yet`);
  });

  test("backup writes a consistent, openable copy while the server runs, and never overwrites", async () => {
    const d = dir();
    server = await startServer([process.execPath, join(import.meta.dir, "../../src/main.ts"), "--data-dir", d, "--port", "0", "--log-format", "json"]);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);

    const copy = join(d, "backup.db");
    const done = await admin(d, "backup", copy, "--json");
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ file: copy });
    const db = new Database(copy, { readonly: true });
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const live = new Database(join(d, "youmeet.db"), { readonly: true });
    const versions = (conn: Database) => conn.query("SELECT version FROM schema_migrations ORDER BY version").all();
    expect(versions(db)).toEqual(versions(live));
    db.close();
    live.close();

    writeFileSync(join(d, "taken.db"), "keep me");
    const refused = await admin(d, "backup", join(d, "taken.db"));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("already exists");
    expect(readFileSync(join(d, "taken.db"), "utf8")).toBe("keep me");

    const nowhere = await admin(d, "backup", join(d, "missing", "copy.db"));
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("does not exist; create it first");
  });
});
