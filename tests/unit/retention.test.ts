import { afterEach, describe, expect, test } from "bun:test";
import { applyRetention } from "../../src/privacy/retention.ts";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());
const DAY = 86_400_000;

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
});
