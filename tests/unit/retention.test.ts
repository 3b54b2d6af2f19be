import { afterEach, describe, expect, test } from "bun:test";
import { applyRetention } from "../../src/privacy/retention.ts";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());
const DAY = 86_400_000;
const FEEDBACK = { name: "Ada", email: "ada@example.com", subject: "Hello", message: "Hi" };

describe("retention", () => {
  test("accounts unseen for N days go with their sessions and rooms; active ones stay", async () => {
    t = await startTestApp();
    const old = t.client();
    await old.devLogin("Old");
    await old.send("POST", "/api/v1/rooms", { json: { name: "old room" }, headers: { "x-csrf-token": old.csrfToken } });
    const oldId = (await old.get("/api/v1/me")).json().youmeetId;
    t.clock.now += 40 * DAY;
    const fresh = t.client();
    await fresh.devLogin("Fresh");
    expect(countRows(t.db, "accounts")).toBe(2);

    const kept = applyRetention(t.stores, { inactiveDays: 0, feedbackDays: 0 }, t.clock.now);
    expect(kept.inactiveAccounts).toEqual([]);
    const result = applyRetention(t.stores, { inactiveDays: 30, feedbackDays: 0 }, t.clock.now);
    expect(result.inactiveAccounts).toEqual([oldId]);
    expect(countRows(t.db, "accounts")).toBe(1);
    expect(countRows(t.db, "rooms")).toBe(0);
    expect(t.db.query("SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.first_name = 'Fresh'").get()).toEqual({ n: 1 });
    expect((await fresh.get("/api/v1/me")).status).toBe(200);
    expect((await old.get("/api/v1/me")).status).toBe(401);
  });

  test("a visit within the period keeps the account", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    for (let day = 0; day < 60; day += 20) {
      t.clock.now += 20 * DAY;
      expect((await ada.get("/dashboard")).status).toBe(200);
    }
    expect(applyRetention(t.stores, { inactiveDays: 30, feedbackDays: 0 }, t.clock.now).inactiveAccounts).toEqual([]);
  });

  test("feedback older than N days goes, newer stays; 0 keeps it forever", async () => {
    t = await startTestApp();
    const sender = t.client();
    const send = async (subject: string) => {
      await sender.get("/feedback");
      const sent = await sender.send("POST", "/api/v1/feedback", { json: { ...FEEDBACK, subject }, headers: { "x-csrf-token": sender.csrfToken } });
      expect(sent.status).toBe(201);
      return sent.json().id as number;
    };
    const old = await send("old");
    t.clock.now += 20 * DAY;
    const recent = await send("recent");
    t.clock.now += 11 * DAY;

    expect(applyRetention(t.stores, { inactiveDays: 0, feedbackDays: 0 }, t.clock.now).oldFeedback).toEqual([]);
    expect(applyRetention(t.stores, { inactiveDays: 0, feedbackDays: 31 }, t.clock.now).oldFeedback).toEqual([]);
    expect(applyRetention(t.stores, { inactiveDays: 0, feedbackDays: 30 }, t.clock.now).oldFeedback).toEqual([old]);
    expect(t.db.query("SELECT id, subject FROM feedback").all()).toEqual([{ id: recent, subject: "recent" }]);
  });

  test("feedback a user sent goes with their account when it is deleted for inactivity", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    await ada.send("POST", "/api/v1/feedback", { json: FEEDBACK, headers: { "x-csrf-token": ada.csrfToken } });
    const visitor = t.client();
    await visitor.get("/feedback");
    await visitor.send("POST", "/api/v1/feedback", { json: FEEDBACK, headers: { "x-csrf-token": visitor.csrfToken } });
    t.clock.now += 40 * DAY;
    const result = applyRetention(t.stores, { inactiveDays: 30, feedbackDays: 0 }, t.clock.now);
    expect(result.inactiveAccounts).toHaveLength(1);
    expect(t.db.query("SELECT account_id FROM feedback").all()).toEqual([{ account_id: null }]);
  });

  test("a dry run answers exactly what a real pass deletes, and deletes nothing", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    await ada.send("POST", "/api/v1/feedback", { json: FEEDBACK, headers: { "x-csrf-token": ada.csrfToken } });
    const bob = t.client();
    await bob.devLogin("Bob");
    t.clock.now += 100 * DAY;
    const policy = { inactiveDays: 90, feedbackDays: 60 };
    const tables = ["accounts", "sessions", "feedback", "used_login_hashes"];
    const before = tables.map((table) => countRows(t.db, table));
    const dry = applyRetention(t.stores, policy, t.clock.now, { dryRun: true });
    expect(tables.map((table) => countRows(t.db, table))).toEqual(before);
    expect(dry.inactiveAccounts).toHaveLength(2);
    expect(dry.expiredSessions).toBe(0);
    const real = applyRetention(t.stores, policy, t.clock.now);
    expect(real).toEqual(dry);
    expect(tables.map((table) => countRows(t.db, table))).toEqual([0, 0, 0, 0]);
  });

  test("expired sessions go; live ones stay", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    t.clock.now += 31 * DAY;
    const bob = t.client();
    await bob.devLogin("Bob");
    const result = applyRetention(t.stores, { inactiveDays: 0, feedbackDays: 0 }, t.clock.now);
    expect(result.expiredSessions).toBe(1);
    expect(countRows(t.db, "sessions")).toBe(1);
    expect((await bob.get("/api/v1/me")).status).toBe(200);
  });
});
