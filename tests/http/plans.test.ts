import { afterEach, describe, expect, test } from "bun:test";
import { monthOf } from "../../src/plans/limits.ts";
import { countRows, startTestApp, type TestApp, type TestClient } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

const createRoom = (client: TestClient, name: string) =>
  client.send("POST", "/api/v1/rooms", { json: { name }, headers: { "x-csrf-token": client.csrfToken } });
const accountId = (youmeetId: string) => t.stores.users.findByYoumeetId(youmeetId)!.id;

describe("plans over the app", () => {
  test("a new account is on free; the room limit of its plan refuses the fourth room with a sentence naming it, and writes nothing", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    const me = (await ada.get("/api/v1/me")).json();
    expect(t.stores.users.findByYoumeetId(me.youmeetId)!.plan).toBe("free");
    for (const name of ["One", "Two", "Three"]) expect((await createRoom(ada, name)).status).toBe(201);

    const refused = await createRoom(ada, "Four");
    expect(refused.status).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: "room.limit_reached",
      message: "Your plan (free) allows 3 rooms; delete one or ask the operator for more.",
    });
    expect(countRows(t.db, "rooms")).toBe(3);

    // The dashboard form (htmx) shows the same sentence in the rooms section.
    await ada.get("/dashboard");
    const form = await ada.post("/rooms", { name: "Four" }, { headers: { "hx-request": "true" } });
    expect(form.status).toBe(400);
    expect(form.text).toContain("Your plan (free) allows 3 rooms");
    expect(countRows(t.db, "rooms")).toBe(3);
    // ... in the reader's language.
    await ada.post("/settings", { language: "ru" });
    await ada.get("/dashboard");
    const russian = await ada.post("/rooms", { name: "Four" }, { headers: { "hx-request": "true" } });
    expect(russian.status).toBe(400);
    expect(russian.text).toContain("Ваш тариф (free) позволяет комнат: 3.");
    expect(countRows(t.db, "rooms")).toBe(3);

    // On pro the same account may create more.
    t.stores.plans.setAccountPlan(accountId(me.youmeetId), "pro");
    expect((await createRoom(ada, "Four")).status).toBe(201);
  });

  test("the meeting page carries the plan refusals in the reader's language, for the values the server sends", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    await ada.post("/settings", { language: "ru" });
    const roomId = (await createRoom(ada, "Standup")).json().id as string;
    const page = (await ada.get(`/r/${roomId}`)).text;
    const attribute = /data-texts="([^"]*)"/.exec(page)![1]!;
    const texts = JSON.parse(attribute.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&"));
    expect(texts["error.plan.participants_limit"]).toBe("Звонок заполнен: тариф владельца комнаты ({plan}) позволяет участников: {max}.");
    for (const code of ["screen_share_not_allowed", "minutes_used_up", "minutes_low"]) expect(texts[`error.plan.${code}`]).toMatch(/[а-я]/);
  });

  test("GET /api/v1/me/usage answers the plan, this month's usage and the limits; it needs a login", async () => {
    t = await startTestApp();
    expect((await t.client().get("/api/v1/me/usage")).status).toBe(401);
    const ada = t.client();
    await ada.devLogin("Ada");
    const me = (await ada.get("/api/v1/me")).json();
    await createRoom(ada, "One");
    t.stores.plans.addCallSeconds(accountId(me.youmeetId), monthOf(t.clock.now), 125 * 60 + 59);
    // Last month's minutes do not count against this one.
    t.stores.plans.addCallSeconds(accountId(me.youmeetId), "2000-01", 999 * 60);

    const usage = (await ada.get("/api/v1/me/usage")).json();
    const now = new Date(t.clock.now);
    expect(usage).toEqual({
      plan: "free",
      month: monthOf(t.clock.now),
      resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
      rooms: { used: 1, limit: 3 },
      minutes: { used: 125, limit: 600 },
      participantsPerRoom: 4,
      screenShare: true,
    });

    t.stores.plans.setAccountPlan(accountId(me.youmeetId), "pro");
    const pro = (await ada.get("/api/v1/me/usage")).json();
    expect(pro).toMatchObject({ plan: "pro", rooms: { used: 1, limit: 100 }, minutes: { used: 125, limit: null }, participantsPerRoom: 25 });

    const doc = (await ada.get("/api/v1/openapi.json")).json();
    expect(doc.paths["/me/usage"].get.responses["200"]).toBeDefined();
    expect(Object.keys(doc.components.schemas.Usage.properties)).toEqual(Object.keys(usage));
  });

  test("the dashboard shows the plan and this month's figures, in English and in Russian", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    const me = (await ada.get("/api/v1/me")).json();
    await createRoom(ada, "One");
    await createRoom(ada, "Two");
    t.stores.plans.addCallSeconds(accountId(me.youmeetId), monthOf(t.clock.now), 42 * 60);

    const page = (await ada.get("/dashboard")).text;
    expect(page).toContain("Your plan: free");
    expect(page).toMatch(/data-usage="rooms"><dt>Rooms<\/dt><dd>2 of 3<\/dd>/);
    expect(page).toMatch(/data-usage="minutes"><dt>Call minutes this month<\/dt><dd>42 of 600<\/dd>/);
    expect(page).toMatch(/data-usage="participants"><dt>People per call<\/dt><dd>up to 4<\/dd>/);
    expect(page).toMatch(/data-usage="screen-share"><dt>Screen sharing<\/dt><dd>included<\/dd>/);

    t.stores.plans.update("free", { maxRooms: 3, maxParticipants: 4, monthlyMinutes: null, screenShare: false }, t.clock.now);
    await ada.post("/settings", { language: "ru" });
    const ru = (await ada.get("/dashboard")).text;
    expect(ru).toContain("Ваш тариф: free");
    expect(ru).toMatch(/<dt>Комнаты<\/dt><dd>2 из 3<\/dd>/);
    expect(ru).toMatch(/<dt>Минуты звонков в этом месяце<\/dt><dd>42 \(без ограничений\)<\/dd>/);
    expect(ru).toMatch(/<dt>Демонстрация экрана<\/dt><dd>не включена<\/dd>/);
  });

  test("a banned account cannot log in: the login page says so, with the operator's reason, in the visitor's language", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    const me = (await ada.get("/api/v1/me")).json();
    t.stores.bans.upsert({ accountId: accountId(me.youmeetId), reason: "spam <links>", bannedAt: t.clock.now });
    t.stores.sessions.deleteForAccount(accountId(me.youmeetId));
    const sessions = countRows(t.db, "sessions");

    const again = t.client();
    await again.get("/login");
    const refused = await again.post("/auth/dev", { name: "Ada" });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("The operator of this server banned your account, so you cannot log in. Reason: spam &lt;links&gt;");
    expect(countRows(t.db, "sessions")).toBe(sessions);
    expect(again.cookies.size).toBe(0);

    const russian = t.client();
    await russian.get("/login", { "accept-language": "ru" });
    const ru = await russian.post("/auth/dev", { name: "Ada" }, { headers: { "accept-language": "ru" } });
    expect(ru.text).toContain("Администратор этого сервера заблокировал ваш аккаунт");
  });
});
