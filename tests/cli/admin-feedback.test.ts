import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { admin, expectRefusal, migratedDataDir } from "../helpers/admin.ts";
import { scratchDirs } from "../helpers/server.ts";

const scratch = scratchDirs();
afterEach(() => scratch.removeAll());

/** Each test runs several real processes; a loaded machine must not fail it (bunfig's timeout is not read by every Bun). */
const PROCESSES = 60_000;
const DEC_1 = Date.UTC(2026, 11, 1, 9, 30);
const DEC_3 = Date.UTC(2026, 11, 3, 18, 5);

/** A data dir with two messages: an anonymous one on Dec 1 and Ada's (logged in) on Dec 3. */
async function dataDirWithFeedback(): Promise<string> {
  const dir = scratch.make();
  await migratedDataDir(dir);
  const db = new Database(join(dir, "youmeet.db"));
  db.run(
    `INSERT INTO accounts (id, youmeet_id, telegram_id, first_name, created_at, updated_at, last_seen_at)
     VALUES (7, 'ada-ada-ada', 1001, 'Ada', ?1, ?1, ?1)`,
    [DEC_1],
  );
  const insert = db.query("INSERT INTO feedback (account_id, name, email, subject, message, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  insert.run(null, "Bob Stranger", "bob@example.com", "Cannot\tjoin", "Line one.\nLine two.", DEC_1);
  insert.run(7, "Ада", "ada@example.com", "Эхо", "Слышу себя.", DEC_3);
  db.close();
  return dir;
}

function feedbackRows(dir: string) {
  const db = new Database(join(dir, "youmeet.db"), { readonly: true });
  const rows = db.query("SELECT * FROM feedback ORDER BY id").all();
  db.close();
  return rows;
}

describe("youmeet admin feedback", () => {
  test("list prints a table newest first, and the same facts as JSON", async () => {
    const dir = await dataDirWithFeedback();
    const table = await admin(dir, "feedback", "list");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+DATE \(UTC\)\s+NAME\s+EMAIL\s+SUBJECT$/);
    expect(lines[1]).toMatch(/^2\s+2026-12-03 18:05\s+Ада\s+ada@example\.com\s+Эхо$/);
    // A tab in a value must not break the columns.
    expect(lines[2]).toMatch(/^1\s+2026-12-01 09:30\s+Bob Stranger\s+bob@example\.com\s+Cannot join$/);
    expect(lines).toHaveLength(3);

    const json = await admin(dir, "feedback", "list", "--json");
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 2, createdAt: "2026-12-03T18:05:00.000Z", name: "Ада", email: "ada@example.com", subject: "Эхо", youmeetId: "ada-ada-ada" },
      { id: 1, createdAt: "2026-12-01T09:30:00.000Z", name: "Bob Stranger", email: "bob@example.com", subject: "Cannot\tjoin", youmeetId: null },
    ]);
  }, PROCESSES);

  test("list --since keeps messages sent at or after the date; an empty answer says so", async () => {
    const dir = await dataDirWithFeedback();
    const since = async (date: string) => JSON.parse((await admin(dir, "feedback", "list", "--since", date, "--json")).stdout).map((f: { id: number }) => f.id);
    expect(await since("2026-12-02")).toEqual([2]);
    expect(await since("2026-12-01T09:30")).toEqual([2, 1]);
    expect(await since("2026-12-01T09:31")).toEqual([2]);
    expect(await since("2026-12-03T21:05+03:00")).toEqual([2]);
    expect(await since("2026-12-03T21:06+03:00")).toEqual([]);
    const none = await admin(dir, "feedback", "list", "--since", "2027-01-01");
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("");
    expect(none.stderr.trim()).toBe("(none)");
  }, PROCESSES);

  test("show prints one message whole, line breaks kept, with the sender's youmeet ID when logged in", async () => {
    const dir = await dataDirWithFeedback();
    const bob = await admin(dir, "feedback", "show", "1");
    expect(bob.code).toBe(0);
    expect(bob.stdout).toContain("name:      Bob Stranger\n");
    expect(bob.stdout).toContain("createdAt: 2026-12-01 09:30 UTC\n");
    expect(bob.stdout).toContain("youmeetId: -\n");
    expect(bob.stdout.endsWith("\n\nLine one.\nLine two.\n")).toBe(true);
    const ada = JSON.parse((await admin(dir, "feedback", "show", "2", "--json")).stdout);
    expect(ada).toEqual({
      id: 2,
      createdAt: "2026-12-03T18:05:00.000Z",
      name: "Ада",
      email: "ada@example.com",
      subject: "Эхо",
      youmeetId: "ada-ada-ada",
      message: "Слышу себя.",
    });
  }, PROCESSES);

  test("delete removes exactly that message", async () => {
    const dir = await dataDirWithFeedback();
    const done = await admin(dir, "feedback", "delete", "1");
    expect(done.code).toBe(0);
    expect(done.stdout.trim()).toBe("Deleted feedback message 1.");
    expect(feedbackRows(dir)).toMatchObject([{ id: 2 }]);
    expect(JSON.parse((await admin(dir, "feedback", "delete", "2", "--json")).stdout)).toEqual({ deleted: 2 });
    expect(feedbackRows(dir)).toEqual([]);
  }, PROCESSES);

  const mistakes: Array<[string, string[], number, string]> = [
    ["show of an id that does not exist", ["show", "9"], 1, "youmeet: there is no feedback message with id 9."],
    ["delete of an id that does not exist", ["delete", "9"], 1, "youmeet: there is no feedback message with id 9."],
    ["show of a word that is not an id", ["show", "one"], 2, 'youmeet: "one" is not a feedback id; the ids are the numbers in youmeet admin feedback list.'],
    ["delete of id 0", ["delete", "0"], 2, 'youmeet: "0" is not a feedback id'],
    ["delete of a negative id", ["delete", "-3"], 2, 'youmeet: "-3" is not a feedback id'],
    ["delete without an id", ["delete"], 2, "youmeet: Usage: youmeet admin feedback delete ID"],
    ["delete of two ids", ["delete", "1", "2"], 2, "youmeet: Usage: youmeet admin feedback delete ID"],
    ["list with a bad date", ["list", "--since", "yesterday"], 2, 'youmeet: --since must be a date like 2026-12-01 or 2026-12-01T09:30, got "yesterday".'],
    ["list with a day that does not exist", ["list", "--since", "2026-02-30"], 2, "youmeet: --since must be a date"],
    ["list without the date", ["list", "--since"], 2, "youmeet: --since needs a value (DATE)"],
    ["an unknown command", ["purge"], 2, 'youmeet: Unknown command "purge" for admin feedback'],
  ];
  for (const [name, words, code, message] of mistakes) {
    test(`${name} exits ${code} with one sentence and changes nothing`, async () => {
      const dir = await dataDirWithFeedback();
      const before = feedbackRows(dir);
      const answer = await admin(dir, "feedback", ...words);
      expectRefusal(answer, code, message);
      expect(feedbackRows(dir)).toEqual(before);
    }, PROCESSES);
  }

  test("help: the group lists its commands, each command its options", async () => {
    const dir = scratch.make();
    const group = await admin(dir, "feedback", "--help");
    expect(group.code).toBe(0);
    for (const usage of ["list [--since DATE]", "show ID", "delete ID"]) expect(group.stdout).toContain(usage);
    const list = await admin(dir, "feedback", "list", "--help");
    expect(list.stdout).toContain("Usage: youmeet admin feedback list [--since DATE]");
    expect(list.stdout).toContain("--json");
    expect((await admin(dir, "--help")).stdout).toMatch(/feedback\s+Read and delete the feedback/);
  }, PROCESSES);
});
