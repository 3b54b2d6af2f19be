import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { monthOf } from "../../src/plans/limits.ts";
import { admin, snapshot } from "../helpers/admin.ts";
import { cookieHeader } from "../helpers/call.ts";
import { startServer, type RunningServer } from "../helpers/process.ts";
import { countRows, scratchDirs, startTestApp, TEST_ORIGIN, TestClient, type TestApp } from "../helpers/server.ts";
import { SignalClient } from "../helpers/signal-client.ts";

// Each test starts real processes (youmeet admin); a loaded machine needs far more than the default 5 s.
setDefaultTimeout(60_000);

let t: TestApp | null = null;
let server: RunningServer | null = null;
const scratch = scratchDirs();
afterEach(() => {
  t?.close();
  t = null;
  server?.proc.kill("SIGKILL");
  server = null;
  scratch.removeAll();
});

/** A running app (the "server") with Ada (@ada_l, two rooms, some minutes) and Grace, for admin to work on. */
async function withPeople() {
  t = await startTestApp();
  const ada = t.client();
  await ada.devLogin("Ada");
  const grace = t.client();
  await grace.devLogin("Grace");
  const adaId: string = (await ada.get("/api/v1/me")).json().youmeetId;
  const graceId: string = (await grace.get("/api/v1/me")).json().youmeetId;
  t.db.run("UPDATE accounts SET username = 'ada_l', last_name = 'Lovelace' WHERE youmeet_id = ?", [adaId]);
  for (const name of ["One", "Two"]) await ada.send("POST", "/api/v1/rooms", { json: { name }, headers: { "x-csrf-token": ada.csrfToken } });
  t.stores.plans.addCallSeconds(t.stores.users.findByYoumeetId(adaId)!.id, monthOf(Date.now()), 42 * 60);
  return { dir: t.config.dataDir, ada, grace, adaId, graceId };
}

describe("youmeet admin users", () => {
  test("help lists every command, and each has its own", async () => {
    const { dir } = await withPeople();
    const group = await admin(dir, "users", "--help");
    expect(group.code).toBe(0);
    for (const word of ["list", "show ID", "set-plan ID PLAN", "ban ID", "unban ID", "delete ID --yes"]) expect(group.stdout).toContain(word);
    const ban = await admin(dir, "users", "ban", "--help");
    expect(ban.stdout).toContain("Usage: youmeet admin users ban ID [--reason TEXT]");
    expect(ban.stdout).toContain("--reason TEXT");
  });

  test("list prints a table for people and JSON for scripts, with youmeet IDs and no Telegram ids", async () => {
    const { dir, adaId, graceId } = await withPeople();
    const table = await admin(dir, "users", "list");
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^YOUMEET ID\s+NAME\s+USERNAME\s+PLAN\s+CREATED\s+LAST SEEN\s+BANNED$/);
    expect(lines[1]).toMatch(new RegExp(`^${adaId}\\s+Ada Lovelace\\s+@ada_l\\s+free\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+\\S+ \\S+\\s+no$`));
    expect(lines[2]).toContain(graceId);
    const telegramId = String(t!.stores.accounts.findByYoumeetId(adaId)!.telegramId);
    expect(table.stdout).not.toContain(telegramId);

    const json = JSON.parse((await admin(dir, "users", "list", "--json")).stdout);
    expect(json).toHaveLength(2);
    expect(json[0]).toEqual({
      youmeetId: adaId,
      name: "Ada Lovelace",
      username: "ada_l",
      plan: "free",
      createdAt: expect.stringMatching(/Z$/),
      lastSeenAt: expect.stringMatching(/Z$/),
      banned: false,
    });
  });

  test("show prints everything stored about one account with this month's usage, by youmeet ID or @username", async () => {
    const { dir, adaId } = await withPeople();
    const rooms = t!.stores.rooms.listByOwner(t!.stores.users.findByYoumeetId(adaId)!.id).map((r) => r.id);
    const byName = await admin(dir, "users", "show", "@ADA_L");
    expect(byName.code).toBe(0);
    for (const line of [`youmeetId:`, `firstName:`, "username:", "plan:", "sessions:", "roomsUsed:", "minutesUsed:", "screenShare:"]) {
      expect(byName.stdout).toContain(line);
    }
    expect(byName.stdout).toMatch(/roomsUsed:\s+2 of 3/);
    expect(byName.stdout).toMatch(/minutesUsed:\s+42 of 600/);
    const json = JSON.parse((await admin(dir, "users", "show", adaId.toUpperCase().replaceAll("-", ""), "--json")).stdout);
    expect(json).toMatchObject({
      youmeetId: adaId,
      firstName: "Ada",
      lastName: "Lovelace",
      username: "ada_l",
      plan: "free",
      banned: false,
      sessions: 1,
      participantsPerRoom: 4,
      minutesByMonth: [{ month: monthOf(Date.now()), minutes: 42 }],
    });
    expect([...json.rooms].sort()).toEqual([...rooms].sort());
  });

  test("set-plan moves an account to a plan, and the server applies it at once", async () => {
    const { dir, ada, adaId } = await withPeople();
    const done = await admin(dir, "users", "set-plan", adaId, "pro", "--json");
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ youmeetId: adaId, plan: "pro" });
    expect((await ada.get("/api/v1/me/usage")).json()).toMatchObject({ plan: "pro", rooms: { limit: 100 } });
    expect((await admin(dir, "users", "set-plan", "@ada_l", "free")).stdout.trim()).toBe(`${adaId} is now on the plan free.`);
  });

  test("ban logs the account out and keeps it out; unban lets it back in", async () => {
    const { dir, ada, adaId } = await withPeople();
    const banned = await admin(dir, "users", "ban", adaId, "--reason", "spam");
    expect(banned.code).toBe(0);
    expect(banned.stdout.trim()).toBe(`${adaId} is banned; 1 session ended.`);
    expect((await ada.get("/dashboard")).status).toBe(303);
    expect((await ada.get("/api/v1/me")).status).toBe(401);
    const login = t!.client();
    await login.get("/login");
    const refused = await login.post("/auth/dev", { name: "Ada" });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("banned your account, so you cannot log in. Reason: spam");
    expect(JSON.parse((await admin(dir, "users", "show", adaId, "--json")).stdout)).toMatchObject({ banned: true, banReason: "spam", sessions: 0 });
    expect((await admin(dir, "users", "list")).stdout).toMatch(new RegExp(`${adaId}.*yes$`, "m"));

    const unbanned = await admin(dir, "users", "unban", adaId, "--json");
    expect(JSON.parse(unbanned.stdout)).toEqual({ youmeetId: adaId, banned: false });
    expect((await login.devLogin("Ada")).status).toBe(303);
    expect((await login.get("/api/v1/me")).json().youmeetId).toBe(adaId);
  });

  test("delete removes the account and every row that refers to it; the others stay", async () => {
    const { dir, adaId, graceId } = await withPeople();
    const adaRow = t!.stores.users.findByYoumeetId(adaId)!.id;
    await admin(dir, "users", "ban", graceId);
    const done = await admin(dir, "users", "delete", adaId, "--yes", "--json");
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ youmeetId: adaId, deleted: true, rooms: 2 });
    for (const [table, column] of [["accounts", "id"], ["sessions", "account_id"], ["rooms", "owner_id"], ["call_usage", "account_id"], ["account_bans", "account_id"]]) {
      expect(t!.db.query(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(adaRow)).toEqual({ n: 0 });
    }
    expect(countRows(t!.db, "accounts")).toBe(1);
    expect(countRows(t!.db, "account_bans")).toBe(1);
  });

  const mistakes: Array<[string, (ids: { adaId: string; graceId: string }) => string[], number, RegExp]> = [
    ["a malformed youmeet ID", () => ["show", "not-an-id"], 2, /"not-an-id" is neither a youmeet ID \(like k7m-p3q-x9z\) nor an @username\./],
    ["an unknown youmeet ID", () => ["ban", "zzz-zzz-zzz"], 1, /There is no account with the youmeet ID zzz-zzz-zzz\./],
    ["an unknown @username", () => ["set-plan", "@nobody", "pro"], 1, /No account has the username @nobody\./],
    ["a malformed @username", () => ["unban", "@no body"], 2, /"@no body" is not a Telegram @username\./],
    ["an unknown plan", ({ adaId }) => ["set-plan", adaId, "gold"], 1, /There is no plan "gold"; the plans are: free, pro\./],
    ["a ban reason too long", ({ adaId }) => ["ban", adaId, "--reason", "x".repeat(201)], 2, /--reason may be at most 200 characters/],
    ["a ban of the banned", ({ graceId }) => ["ban", graceId], 1, /is already banned \(since .* UTC\); unban it first/],
    ["an unban of the not banned", ({ adaId }) => ["unban", adaId], 1, /is not banned\./],
    ["a delete without --yes", ({ adaId }) => ["delete", adaId], 2, /This deletes .* \(Ada Lovelace\) with its 2 rooms, sessions and usage for good; add --yes to confirm\./],
    ["a missing ID", () => ["show"], 2, /Usage: youmeet admin users show ID/],
    ["an unknown option", ({ adaId }) => ["ban", adaId, "--why", "x"], 2, /Unknown option --why for admin users ban/],
  ];
  test("each bad input exits non-zero with one sentence and changes nothing", async () => {
    const { dir, adaId, graceId } = await withPeople();
    await admin(dir, "users", "ban", graceId);
    const before = snapshot(dir);
    for (const [name, words, exit, message] of mistakes) {
      const answer = await admin(dir, "users", ...words({ adaId, graceId }));
      expect({ name, code: answer.code, stdout: answer.stdout }).toEqual({ name, code: exit, stdout: "" });
      expect(answer.stderr).toMatch(message);
      expect(answer.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(snapshot(dir)).toBe(before);
  });
});

describe("a ban made by youmeet admin while the real server runs", () => {
  test("the server ends the banned owner's open call within seconds, and the login page refuses them", async () => {
    const dir = scratch.make();
    const base = 43000 + Math.floor(Math.random() * 150) * 100;
    server = await startServer([
      process.execPath, join(import.meta.dir, "../../src/main.ts"), "--data-dir", dir, "--port", "0", "--log-format", "json",
      "--dev-login", "--public-url", TEST_ORIGIN, "--rtc-ports", `${base}-${base + 19}`,
    ]);
    const baseUrl = server.baseUrl;
    // Requests name the public origin, as a browser behind the proxy would, and go to the real port.
    const client = new TestClient((request) => fetch(new Request(request.url.replace(TEST_ORIGIN, baseUrl), request), { redirect: "manual" }), TEST_ORIGIN);
    await client.devLogin("Ada");
    const me = (await client.get("/api/v1/me")).json();
    const room = (await client.send("POST", "/api/v1/rooms", { json: {}, headers: { "x-csrf-token": client.csrfToken } })).json();
    const socket = await SignalClient.connect(`${baseUrl.replace("http:", "ws:")}/r/${room.id}/ws`, { origin: TEST_ORIGIN, cookie: cookieHeader(client) });
    try {
      await socket.join();
      expect((await admin(dir, "users", "ban", me.youmeetId)).code).toBe(0);
      // The hub looks every 5 seconds; 20 s leaves room for a slow machine.
      expect(await socket.next("call-ended", 20_000)).toMatchObject({ reason: "banned" });
      expect((await socket.closed).code).toBe(4002);
    } finally {
      socket.close();
    }
    expect((await client.get("/api/v1/me")).status).toBe(401);
    await client.get("/login");
    expect((await client.post("/auth/dev", { name: "Ada" })).text).toContain("banned your account");
  });
});
