import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { migratedDataDir } from "../helpers/admin.ts";
import { run } from "../helpers/process.ts";
import { scratchDirs } from "../helpers/server.ts";

/** Each test runs several real processes; a loaded machine must not fail it (bunfig's timeout is not read by every Bun). */
const PROCESSES = 60_000;
const MAIN = join(import.meta.dir, "../../src/main.ts");
const DAY = 86_400_000;
const TABLES = ["accounts", "sessions", "used_login_hashes", "feedback", "rooms"];

const scratch = scratchDirs();
afterEach(() => scratch.removeAll());

function purge(dir: string, ...flags: string[]) {
  return run([process.execPath, MAIN, "purge", "--data-dir", dir, "--log-format", "json", ...flags]);
}

/**
 * A data dir whose rows the test dates itself, relative to now: an account last seen 400 days
 * ago (with a room, a session and a message of its own), one seen 10 days ago, feedback of
 * 200 and 20 days, a session and a login hash past their expiry and ones that are not.
 */
async function datedDataDir(): Promise<string> {
  const dir = scratch.make();
  await migratedDataDir(dir);
  const now = Date.now();
  const db = new Database(join(dir, "youmeet.db"));
  const account = db.query(
    `INSERT INTO accounts (id, youmeet_id, telegram_id, first_name, created_at, updated_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  account.run(1, "old-old-old", 1001, "Oldname Secret", now - 500 * DAY, now - 400 * DAY, now - 400 * DAY);
  account.run(2, "new-new-new", 1002, "Newname Secret", now - 500 * DAY, now - 10 * DAY, now - 10 * DAY);
  db.run("INSERT INTO rooms (id, owner_id, name, created_at) VALUES ('oldroom', 1, 'old room', ?)", [now - 450 * DAY]);
  const session = db.query(
    `INSERT INTO sessions (token_hash, account_id, user_agent, created_at, last_used_at, expires_at, absolute_expires_at) VALUES (?, ?, NULL, ?, ?, ?, ?)`,
  );
  session.run(new Uint8Array([1]), 1, now - 400 * DAY, now - 400 * DAY, now + DAY, now + DAY);
  session.run(new Uint8Array([2]), 2, now - 40 * DAY, now - 35 * DAY, now - 5 * DAY, now + 50 * DAY);
  session.run(new Uint8Array([3]), 2, now - 10 * DAY, now - 10 * DAY, now + 20 * DAY, now + 80 * DAY);
  db.run("INSERT INTO used_login_hashes (hash, expires_at) VALUES ('gone', ?), ('kept', ?)", [now - 1000, now + DAY]);
  const feedback = db.query("INSERT INTO feedback (id, account_id, name, email, subject, message, created_at) VALUES (?, ?, 'Sender Secret', 'x@example.com', 's', 'm', ?)");
  feedback.run(1, 1, now - 20 * DAY);
  feedback.run(2, null, now - 200 * DAY);
  feedback.run(3, 2, now - 200 * DAY);
  feedback.run(4, null, now - 20 * DAY);
  db.close();
  return dir;
}

/** Every row of every table that purge may touch. */
function snapshot(dir: string) {
  const db = new Database(join(dir, "youmeet.db"), { readonly: true });
  const rows = Object.fromEntries(TABLES.map((table) => [table, db.query(`SELECT * FROM ${table} ORDER BY rowid`).all()]));
  db.close();
  return rows;
}

function ids(dir: string, table: string, column: string) {
  return (snapshot(dir)[table] as Array<Record<string, unknown>>).map((row) => row[column]);
}

const REPORT = [
  "1 account inactive for more than 365 days: old-old-old",
  "2 feedback messages older than 180 days: 2, 3",
  "1 expired session.",
  "1 expired login hash.",
];

describe("youmeet purge", () => {
  test("--dry-run prints what would go and changes nothing; purge then deletes exactly that", async () => {
    const dir = await datedDataDir();
    const before = snapshot(dir);
    const dry = await purge(dir, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout.trimEnd().split("\n")).toEqual([...REPORT.map((line) => `Would delete ${line}`), "Dry run: nothing was deleted."]);
    expect(snapshot(dir)).toEqual(before);

    const real = await purge(dir);
    expect(real.code).toBe(0);
    expect(real.stdout.trimEnd().split("\n")).toEqual(REPORT.map((line) => `Deleted ${line}`));
    // Names are never printed, only youmeet IDs and counts.
    expect(real.stdout + real.stderr + dry.stdout + dry.stderr).not.toContain("Secret");

    expect(ids(dir, "accounts", "youmeet_id")).toEqual(["new-new-new"]);
    expect(ids(dir, "rooms", "id")).toEqual([]);
    // The old account's own session went with it; of the other's, only the expired one went.
    expect(ids(dir, "sessions", "token_hash")).toEqual([new Uint8Array([3])]);
    expect(ids(dir, "used_login_hashes", "hash")).toEqual(["kept"]);
    // 1 went with its account, 2 and 3 for age; 4 is recent and anonymous.
    expect(ids(dir, "feedback", "id")).toEqual([4]);

    const again = await purge(dir);
    expect(again.stdout).toContain("Deleted 0 accounts inactive for more than 365 days.");
    expect(again.stdout).toContain("Deleted 0 feedback messages older than 180 days.");
  }, PROCESSES);

  test("the retention flags and their environment variables apply; 0 keeps forever", async () => {
    const dir = await datedDataDir();
    const before = snapshot(dir);
    const forever = await purge(dir, "--retention-inactive-days", "0", "--retention-feedback-days", "0", "--dry-run");
    expect(forever.stdout).toContain("Inactive accounts: kept forever (--retention-inactive-days 0).");
    expect(forever.stdout).toContain("Feedback: kept forever (--retention-feedback-days 0).");
    expect(snapshot(dir)).toEqual(before);

    const shorter = await run([process.execPath, MAIN, "purge", "--data-dir", dir, "--retention-feedback-days", "10"], {
      env: { YOUMEET_RETENTION_INACTIVE_DAYS: "5" },
    });
    expect(shorter.code).toBe(0);
    expect(shorter.stdout).toContain("Deleted 2 accounts inactive for more than 5 days: old-old-old, new-new-new");
    // 1 and 3 went with their accounts.
    expect(shorter.stdout).toContain("Deleted 2 feedback messages older than 10 days: 2, 4");
    expect(ids(dir, "accounts", "id")).toEqual([]);
    expect(ids(dir, "feedback", "id")).toEqual([]);
  }, PROCESSES);

  test("bad input exits with one sentence and deletes nothing; a missing database is not created", async () => {
    const dir = await datedDataDir();
    const before = snapshot(dir);
    const bad = await purge(dir, "--retention-feedback-days", "-1");
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('youmeet: --retention-feedback-days must be a whole number of days from 0 (keep forever) to 36500, got "-1".');
    const unknown = await purge(dir, "--dry");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe("youmeet: Unknown option --dry; run youmeet --help.");
    const word = await purge(dir, "now");
    expect(word.code).toBe(2);
    expect(word.stderr.trim()).toBe('youmeet: Unexpected argument "now"; run youmeet --help.');
    expect(snapshot(dir)).toEqual(before);

    const empty = scratch.make();
    const missing = await purge(join(empty, "nowhere"));
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`youmeet: there is no database in ${join(empty, "nowhere")} yet; check --data-dir, or start the server once.`);
  }, PROCESSES);

  test("help lists the retention flags and --dry-run", async () => {
    const help = await run([process.execPath, MAIN, "purge", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of ["--retention-inactive-days DAYS", "--retention-feedback-days DAYS", "--dry-run", "--data-dir DIR"]) expect(help.stdout).toContain(flag);
    expect((await run([process.execPath, MAIN, "--help"])).stdout).toMatch(/purge\s+Apply the retention periods now/);
  }, PROCESSES);
});
