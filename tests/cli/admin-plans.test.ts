import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { admin, migratedDataDir, snapshot } from "../helpers/admin.ts";
import { scratchDirs, startTestApp, type TestApp } from "../helpers/server.ts";

// Each test starts real processes (youmeet admin); a loaded machine needs far more than the default 5 s.
setDefaultTimeout(60_000);

const scratch = scratchDirs();
let t: TestApp | null = null;
afterEach(() => {
  t?.close();
  t = null;
  scratch.removeAll();
});

async function dataDir(): Promise<string> {
  const dir = scratch.make();
  await migratedDataDir(dir);
  return dir;
}

describe("youmeet admin plans", () => {
  test("list shows the built-in plans with their limits, as a table and as JSON", async () => {
    const dir = await dataDir();
    const table = await admin(dir, "plans", "list");
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split("\n").map((l) => l.split(/\s{2,}/))).toEqual([
      ["PLAN", "ROOMS", "PEOPLE PER CALL", "MINUTES/MONTH", "SCREEN SHARE", "USERS"],
      ["free", "3", "4", "600", "yes", "0"],
      ["pro", "100", "25", "unlimited", "yes", "0"],
    ]);
    const json = JSON.parse((await admin(dir, "plans", "list", "--json")).stdout);
    expect(json.map((p: { name: string }) => p.name)).toEqual(["free", "pro"]);
    expect(json[1]).toMatchObject({ rooms: 100, participants: 25, minutesPerMonth: null, screenShare: true, users: 0 });
  });

  test("set changes only the limits given; 0 and unlimited lift a limit; the running server applies them", async () => {
    t = await startTestApp();
    const dir = t.config.dataDir;
    const ada = t.client();
    await ada.devLogin("Ada");
    const changed = await admin(dir, "plans", "set", "free", "--rooms", "5", "--minutes", "unlimited", "--screen-share", "no", "--json");
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual([
      expect.objectContaining({ name: "free", rooms: 5, participants: 4, minutesPerMonth: null, screenShare: false, users: 1 }),
    ]);
    expect((await ada.get("/api/v1/me/usage")).json()).toMatchObject({ rooms: { limit: 5 }, minutes: { limit: null }, screenShare: false });

    const more = await admin(dir, "plans", "set", "free", "--participants", "0", "--rooms=0");
    expect(more.stdout).toMatch(/^free\s+unlimited\s+25\s+unlimited\s+no\s+1$/m);
    expect((await ada.get("/api/v1/me/usage")).json()).toMatchObject({ rooms: { limit: null }, participantsPerRoom: 25 });
  });

  test("set --create makes a new plan from free's limits, and users can be moved to it", async () => {
    t = await startTestApp();
    const dir = t.config.dataDir;
    const ada = t.client();
    await ada.devLogin("Ada");
    const youmeetId = (await ada.get("/api/v1/me")).json().youmeetId;
    const created = await admin(dir, "plans", "set", "team", "--create", "--participants", "10");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^team\s+3\s+10\s+600\s+yes\s+0$/m);
    expect((await admin(dir, "users", "set-plan", youmeetId, "team")).code).toBe(0);
    expect((await ada.get("/api/v1/me/usage")).json()).toMatchObject({ plan: "team", participantsPerRoom: 10 });
  });

  const mistakes: Array<[string, string[], number, RegExp]> = [
    ["an unknown plan", ["set", "gold", "--rooms", "3"], 1, /There is no plan "gold"; the plans are: free, pro\./],
    ["a word for a number", ["set", "free", "--minutes", "lots"], 2, /--minutes \(call minutes a month\) must be a whole number from 1 to 1000000, or 0 or "unlimited", not "lots"\./],
    ["a negative number", ["set", "free", "--rooms", "-1"], 2, /--rooms \(rooms a user may own\) must be a whole number/],
    ["a fraction", ["set", "free", "--rooms", "2.5"], 2, /--rooms \(rooms a user may own\) must be a whole number/],
    ["one participant", ["set", "free", "--participants", "1"], 2, /--participants \(people in one call\) must be a whole number from 2 to 25, or 0 or "unlimited", not 1\./],
    ["more participants than the server's cap", ["set", "pro", "--participants", "26"], 2, /from 2 to 25/],
    ["screen share neither yes nor no", ["set", "free", "--screen-share", "maybe"], 2, /--screen-share must be yes or no, not "maybe"\./],
    ["nothing to change", ["set", "free"], 2, /Nothing to change: give --rooms, --participants, --minutes or --screen-share\./],
    ["one bad value among good ones", ["set", "free", "--rooms", "9", "--minutes", "x"], 2, /--minutes/],
    ["creating a plan that exists", ["set", "pro", "--create"], 1, /The plan pro exists already; leave out --create to change it\./],
    ["a bad new plan name", ["set", "Gold Plan", "--create"], 2, /A plan name is 1 to 32 lower-case letters, digits or dashes/],
    ["a missing value", ["set", "free", "--rooms"], 2, /--rooms needs a value \(N\)/],
    ["an unknown command", ["delete", "free"], 2, /Unknown command "delete" for admin plans/],
  ];
  test("each bad input exits non-zero with one sentence and changes nothing", async () => {
    const dir = await dataDir();
    const before = snapshot(dir);
    for (const [name, words, exit, message] of mistakes) {
      const answer = await admin(dir, "plans", ...words);
      expect({ name, code: answer.code, stdout: answer.stdout }).toEqual({ name, code: exit, stdout: "" });
      expect(answer.stderr).toMatch(message);
      expect(answer.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(snapshot(dir)).toBe(before);
  });
});
