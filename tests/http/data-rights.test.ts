import { afterEach, describe, expect, test } from "bun:test";
import { api, CHROME_WINDOWS, FIREFOX_LINUX, loginAs, rowsNaming, SAFARI_IPHONE, snapshot, tablesAboutAccounts } from "../helpers/account-data.ts";
import { startTestApp, type TestApp, type TestClient } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

/** Ada on two devices with two rooms, Grace on one with one room; a table another feature might add, with rows for both. */
async function world() {
  t = await startTestApp();
  // A table from a later migration (contacts, usage...): the export and deletion must find it unaided.
  t.db.exec("CREATE TABLE later_notes (account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, note TEXT) STRICT");
  // One whose rows outlive the account, unlinked (feedback might be kept like this).
  t.db.exec("CREATE TABLE later_kept (account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL, note TEXT) STRICT");
  const ada = t.client();
  await loginAs(ada, "Ada", FIREFOX_LINUX);
  const adaPhone = t.client();
  await loginAs(adaPhone, "Ada", SAFARI_IPHONE);
  const grace = t.client();
  await loginAs(grace, "Grace", CHROME_WINDOWS);
  for (const [who, name] of [[ada, "Standup"], [ada, "Retro"], [grace, "Grace's"]] as const) {
    expect((await api(who, "POST", "/api/v1/rooms", { name })).status).toBe(201);
  }
  const idOf = async (client: TestClient) => (await client.get("/api/v1/me/export")).json().account.id as number;
  const adaId = await idOf(ada);
  const graceId = await idOf(grace);
  t.db.run("INSERT INTO later_notes VALUES (?, '<b>ada note</b>'), (?, 'grace note')", [adaId, graceId]);
  t.db.run("INSERT INTO later_kept VALUES (?, 'kept note')", [adaId]);
  await ada.get("/my-data");
  return { ada, adaPhone, grace, adaId, graceId };
}

const withoutTime = (file: Record<string, unknown>) => ({ ...file, exportedAt: "" });

describe("export", () => {
  test("one JSON file, as an attachment, with every row about me in every table that refers to me, and nothing of others", async () => {
    const { ada, adaId, graceId } = await world();
    const answer = await ada.get("/api/v1/me/export");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("application/json");
    const me = (await ada.get("/api/v1/me")).json();
    expect(answer.headers.get("content-disposition")).toBe(`attachment; filename="youmeet-data-${me.youmeetId}.json"`);
    const file = answer.json();
    expect(file).toMatchObject({ format: "youmeet-export", version: 1, server: t.config.publicUrl });
    expect(file.account).toMatchObject({ id: adaId, youmeet_id: me.youmeetId, first_name: "Ada", consent_version: t.config.privacyPolicyVersion });

    // The test's own walk of the schema: every table that refers to accounts is in the file...
    const about = tablesAboutAccounts(t.db);
    // (other features' tables that refer to accounts are in it too; these must be)
    expect([...about.keys()]).toEqual(expect.arrayContaining(["later_kept", "later_notes", "rooms", "sessions"]));
    expect(Object.keys(file.tables).sort()).toEqual([...about.keys()].sort());
    // ...with exactly the rows that name me.
    for (const [table, columns] of about) {
      const mine = t.db.query<{ n: number }, []>(`SELECT count(*) AS n FROM "${table}" WHERE ${columns.map((c) => `"${c}" = ${adaId}`).join(" OR ")}`).get()!.n;
      expect([table, file.tables[table].length]).toEqual([table, mine]);
    }
    expect(file.tables.rooms.map((r: { name: string }) => r.name).sort()).toEqual(["Retro", "Standup"]);
    expect(file.tables.later_notes).toEqual([{ account_id: adaId, note: "<b>ada note</b>" }]);
    const text = JSON.stringify(file);
    expect(text).not.toContain("Grace");
    expect(text).not.toContain(`"account_id":${graceId}`);

    // The session token hash is a credential: withheld, and said so; device and dates are there.
    expect(file.tables.sessions.map((s: { user_agent: string }) => s.user_agent).sort()).toEqual([FIREFOX_LINUX, SAFARI_IPHONE].sort());
    expect(Object.keys(file.tables.sessions[0])).not.toContain("token_hash");
    expect(file.withheld.sessions.token_hash).toContain("credential");
    for (const { token_hash } of t.db.query<{ token_hash: Uint8Array }, []>("SELECT token_hash FROM sessions").all()) {
      const hex = Buffer.from(token_hash).toString("hex");
      expect(text).not.toContain(hex);
      expect(text).not.toContain(Buffer.from(token_hash).toString("base64"));
    }
    expect(text).not.toContain(ada.cookies.get("youmeet_session")!);

    // The page's download is this very file.
    expect((await ada.get("/my-data")).text).toContain('href="/api/v1/me/export" download');
    expect(withoutTime((await ada.get("/api/v1/me/export")).json())).toEqual(withoutTime(file));
  });

  test("needs a login", async () => {
    t = await startTestApp();
    const answer = await t.client().get("/api/v1/me/export");
    expect(answer.status).toBe(401);
    expect(answer.json().error.code).toBe("auth.required");
  });
});

describe("the My data page", () => {
  test("shows everything stored: Telegram fields, youmeet ID, consent, sessions in plain words, rooms, any other table; linked from dashboard and settings", async () => {
    const { ada } = await world();
    expect((await ada.get("/dashboard")).text).toContain('href="/my-data"');
    expect((await ada.get("/settings")).text).toContain('href="/my-data"');
    const me = (await ada.get("/api/v1/me")).json();
    const page = (await ada.get("/my-data")).text;
    expect(page).toContain("<h1>My data</h1>");
    expect(page).toContain(`<dd data-field="youmeet_id">${me.youmeetId}</dd>`);
    expect(page).toContain(`<dd data-field="telegram_id">${me.telegramId}</dd>`);
    expect(page).toContain('<dd data-field="first_name">Ada</dd>');
    expect(page).toContain('<dd data-field="display_name">not set</dd>');
    expect(page).toContain(`You accepted version ${t.config.privacyPolicyVersion} of the <a href="/privacy">privacy policy</a> on`);
    expect(page).toMatch(/Firefox on Linux <strong>\(this device\)<\/strong>/);
    expect(page).toContain("Safari on iPhone");
    expect(page).not.toContain("Chrome on Windows");
    expect(page).toContain("Standup");
    expect(page).toContain("Retro");
    expect(page).not.toContain("Grace&#39;s");
    expect(page).toContain('data-table="later_notes"');
    expect(page).toContain("Later notes");
    expect(page).toContain("&lt;b&gt;ada note&lt;/b&gt;");
    expect(page).not.toContain("grace note");
    expect(page).toContain("<code>sessions.token_hash</code>");
    expect(page).toContain('href="/my-data/delete"');
    expect(page).toContain('href="/my-data/delete?withdraw=1"');
  });

  test("speaks Russian too", async () => {
    const { ada } = await world();
    expect((await api(ada, "PATCH", "/api/v1/me", { language: "ru" })).status).toBe(200);
    const page = (await ada.get("/my-data")).text;
    expect(page).toContain("<h1>Мои данные</h1>");
    expect(page).toContain("Firefox, Linux <strong>(это устройство)</strong>");
    expect(page).toContain("Завершить этот сеанс");
    expect((await ada.get("/my-data/delete")).text).toContain("Удалить аккаунт?");
  });

  test("needs a login", async () => {
    t = await startTestApp();
    for (const path of ["/my-data", "/my-data/delete"]) {
      const answer = await t.client().get(path);
      expect([path, answer.status, answer.headers.get("location")]).toEqual([path, 303, "/login"]);
    }
  });
});

/** The session handles on a My data page, with the device words of each row. */
function sessionsOn(page: string): Array<{ handle: string; row: string }> {
  return [...page.matchAll(/<tr data-session="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ handle: m[1]!, row: m[2]! }));
}

describe("log out this session", () => {
  test("ends my other device's session; my own one stays", async () => {
    const { ada, adaPhone } = await world();
    const phone = sessionsOn((await ada.get("/my-data")).text).find((s) => s.row.includes("iPhone"))!;
    const answer = await ada.post(`/my-data/sessions/${phone.handle}/logout`);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/my-data?ended");
    expect((await adaPhone.get("/api/v1/me")).status).toBe(401);
    expect((await ada.get("/api/v1/me")).status).toBe(200);
    const after = (await ada.get("/my-data?ended")).text;
    expect(after).toContain("The session was logged out.");
    expect(sessionsOn(after).map((s) => s.handle)).not.toContain(phone.handle);
  });

  test("this device's session logs me out and clears the cookie", async () => {
    const { ada } = await world();
    const mine = sessionsOn((await ada.get("/my-data")).text).find((s) => s.row.includes("this device"))!;
    const answer = await ada.post(`/my-data/sessions/${mine.handle}/logout`);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/");
    expect(answer.headers.getSetCookie()[0]).toContain("Max-Age=0");
    expect((await ada.get("/api/v1/me")).status).toBe(401);
  });

  test("someone else's session, an unknown one or one without a form token is refused and nothing changes", async () => {
    const { ada, grace } = await world();
    const graces = sessionsOn((await grace.get("/my-data")).text)[0]!;
    await ada.get("/my-data");
    const before = snapshot(t.db);
    for (const handle of [graces.handle, "A".repeat(22), "x"]) {
      const answer = await ada.post(`/my-data/sessions/${handle}/logout`);
      expect([handle, answer.status]).toEqual([handle, 404]);
      expect(answer.text).toContain("You have no session with this id");
    }
    const api404 = await ada.send("POST", `/my-data/sessions/${graces.handle}/logout`, { json: {}, headers: { "x-csrf-token": ada.csrfToken } });
    expect(api404.json().error.code).toBe("session.not_found");
    expect((await ada.post(`/my-data/sessions/${graces.handle}/logout`, { _csrf: "forged" })).status).toBe(403);
    expect((await grace.post(`/my-data/sessions/${graces.handle}/logout`, { _csrf: ada.csrfToken })).status).toBe(403);
    expect(snapshot(t.db)).toEqual(before);
    expect((await grace.get("/api/v1/me")).status).toBe(200);
  });
});

describe("delete", () => {
  test("the confirmation names what will go, counted from the schema", async () => {
    const { ada } = await world();
    const before = snapshot(t.db);
    const page = (await ada.get("/my-data/delete")).text;
    expect(page).toContain("Delete your account?");
    expect(page).toContain('<li data-count="sessions">Login sessions: 2 (you are logged out everywhere)');
    expect(page).toContain('<li data-count="rooms">Rooms: 2 (');
    expect(page).toContain('<li data-count="later_notes">Later notes: 1</li>');
    expect(page).toContain('<li data-count="later_kept">Later kept: 1 (kept, but no longer linked to you)</li>');
    expect(page).toContain('action="/my-data/delete"');
    expect(snapshot(t.db)).toEqual(before);
  });

  test("DELETE /api/v1/me with anything but {confirm: true} answers 400 account.confirm_required and deletes nothing", async () => {
    const { ada } = await world();
    const before = snapshot(t.db);
    const bodies: Array<unknown> = [undefined, {}, { confirm: false }, { confirm: "true" }, { confirm: 1 }, { confirm: true, also: 1 }, [true], "yes", null];
    for (const body of bodies) {
      const answer = await api(ada, "DELETE", "/api/v1/me", body);
      expect([JSON.stringify(body), answer.status, answer.json().error.code]).toEqual([JSON.stringify(body), 400, "account.confirm_required"]);
      expect(answer.json().error.message).toContain('{"confirm": true}');
    }
    const unreadable = await ada.send("DELETE", "/api/v1/me", { body: "{confirm", headers: { "content-type": "application/json", "x-csrf-token": ada.csrfToken } });
    expect(unreadable.status).toBe(400);
    expect((await ada.send("DELETE", "/api/v1/me", { json: { confirm: true } })).status).toBe(403);
    expect((await t.client().send("DELETE", "/api/v1/me", { json: { confirm: true } })).status).toBe(403);
    const form = await ada.post("/my-data/delete", { confirm: "no" });
    expect(form.status).toBe(400);
    expect(form.text).toContain("nothing was deleted");
    expect(snapshot(t.db)).toEqual(before);
    expect((await ada.get("/api/v1/me")).status).toBe(200);
  });

  test("DELETE /api/v1/me deletes me and everything that names me in one go, logs me out, and leaves Grace's data as it was", async () => {
    const { ada, adaPhone, grace, adaId } = await world();
    const graceBefore = withoutTime((await grace.get("/api/v1/me/export")).json());
    const answer = await api(ada, "DELETE", "/api/v1/me", { confirm: true });
    expect(answer.status).toBe(204);
    expect(answer.headers.getSetCookie()[0]).toMatch(/^youmeet_session=; Path=\/; Max-Age=0/);
    expect(rowsNaming(t.db, adaId)).toEqual({});
    expect(t.db.query("SELECT count(*) AS n FROM accounts WHERE id = ?").get(adaId)).toEqual({ n: 0 });
    expect(t.db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    for (const client of [ada, adaPhone]) expect((await client.get("/api/v1/me")).status).toBe(401);
    expect(withoutTime((await grace.get("/api/v1/me/export")).json())).toEqual(graceBefore);
    const log = t.logLines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "account_deleted");
    expect(log).toMatchObject({ reason: "deleted_by_user", rows: { sessions: 2, rooms: 2, later_notes: 1, later_kept: 1 } });
    expect(t.db.query("SELECT account_id, note FROM later_kept").all()).toEqual([{ account_id: null, note: "kept note" }]);
    expect(JSON.stringify(log)).not.toContain("Ada");
  });

  test("from the page: confirm, then a goodbye page, logged out; withdrawing consent explains and does the same", async () => {
    const { ada, adaId, grace, graceId } = await world();
    const answer = await ada.post("/my-data/delete", { confirm: "yes", reason: "delete" });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("Your account was deleted");
    expect(answer.text).toContain('href="/login"');
    expect(answer.headers.getSetCookie()[0]).toContain("Max-Age=0");
    expect(rowsNaming(t.db, adaId)).toEqual({});

    const withdraw = (await grace.get("/my-data/delete?withdraw=1")).text;
    expect(withdraw).toContain("Withdraw consent and delete your account?");
    expect(withdraw).toContain("youmeet cannot be used without accepting its privacy policy");
    expect(withdraw).toContain('name="reason" value="withdraw"');
    expect((await grace.post("/my-data/delete", { confirm: "yes", reason: "withdraw" })).status).toBe(200);
    expect(rowsNaming(t.db, graceId)).toEqual({});
    expect(t.db.query("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: 0 });
    expect(t.logLines.some((line) => line.includes('"reason":"consent_withdrawn"'))).toBe(true);
  });
});
