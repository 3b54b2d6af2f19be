import { afterEach, describe, expect, test } from "bun:test";
import { signWebAppInitData, signWidgetLogin } from "../../src/auth/telegram.ts";
import { countRows, startTestApp, TEST_BOT_TOKEN, TEST_BOT_USERNAME, type TestApp } from "../helpers/server.ts";

const BOT = ["--telegram-bot-token", TEST_BOT_TOKEN, "--telegram-bot-username", TEST_BOT_USERNAME];
let t: TestApp;
afterEach(() => t?.close());

function widgetQuery(fields: Record<string, string>, token = TEST_BOT_TOKEN): string {
  return new URLSearchParams(signWidgetLogin(fields, token)).toString();
}

const ada = (authDate: number) => ({
  id: "4242",
  first_name: "Ada",
  last_name: "Lovelace",
  username: "ada_l",
  photo_url: "https://t.me/i/userpic/320/ada_l.jpg",
  auth_date: String(authDate),
});

describe("Login Widget redirect", () => {
  test("a valid payload creates the account and a session, and /api/v1/me answers it", async () => {
    t = await startTestApp(BOT);
    const client = t.client();
    const login = await client.get(`/auth/telegram?${widgetQuery(ada(Math.floor(t.clock.now / 1000)))}`);
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/dashboard");
    const me = (await client.get("/api/v1/me")).json();
    expect(me).toMatchObject({ telegramId: 4242, firstName: "Ada", lastName: "Lovelace", username: "ada_l", language: "en", region: null });
    expect(me.youmeetId).toMatch(/^[2-9a-hjkmnp-z]{3}-[2-9a-hjkmnp-z]{3}-[2-9a-hjkmnp-z]{3}$/);
    expect(me.youmeetId).not.toContain("4242");
    const dashboard = await client.get("/dashboard");
    expect(dashboard.text).toContain("Hello, Ada");
    expect(dashboard.text).toContain(me.youmeetId);
  });

  test("logging in again updates the stored fields and keeps the same account and youmeet ID", async () => {
    t = await startTestApp(BOT);
    const first = t.client();
    await first.get(`/auth/telegram?${widgetQuery(ada(Math.floor(t.clock.now / 1000)))}`);
    const before = (await first.get("/api/v1/me")).json();
    t.clock.now += 5000;
    const second = t.client();
    const renamed = { ...ada(Math.floor(t.clock.now / 1000)), first_name: "Augusta", username: "augusta" };
    await second.get(`/auth/telegram?${widgetQuery(renamed)}`);
    const after = (await second.get("/api/v1/me")).json();
    expect(after.youmeetId).toBe(before.youmeetId);
    expect(after).toMatchObject({ firstName: "Augusta", username: "augusta" });
    expect(countRows(t.db, "accounts")).toBe(1);
    expect(countRows(t.db, "sessions")).toBe(2);
  });

  const refusals: Array<[string, (now: number) => string, RegExp]> = [
    ["a changed field", (now) => widgetQuery(ada(now)).replace("first_name=Ada", "first_name=Eve"), /could not be verified/],
    ["a wrong bot token", (now) => widgetQuery(ada(now), "999:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"), /could not be verified/],
    ["an expired auth_date", (now) => widgetQuery(ada(now - 3601)), /expired/],
    ["an auth_date in the future", (now) => widgetQuery(ada(now + 120)), /future/],
    ["no hash", (now) => new URLSearchParams(ada(now)).toString(), /no signature/],
  ];
  for (const [name, query, message] of refusals) {
    test(`${name} is refused with a 401 page that says why, and nothing is written`, async () => {
      t = await startTestApp(BOT);
      const client = t.client();
      const answer = await client.get(`/auth/telegram?${query(Math.floor(t.clock.now / 1000))}`);
      expect(answer.status).toBe(401);
      expect(answer.headers.get("content-type")).toContain("text/html");
      expect(answer.text).toContain("Login failed");
      expect(answer.text).toMatch(message);
      expect(answer.headers.getSetCookie()).toEqual([]);
      expect(countRows(t.db, "accounts")).toBe(0);
      expect(countRows(t.db, "sessions")).toBe(0);
      expect(countRows(t.db, "used_login_hashes")).toBe(0);
    });
  }

  test("a replayed login link is refused and does not create a second session", async () => {
    t = await startTestApp(BOT);
    const query = widgetQuery(ada(Math.floor(t.clock.now / 1000)));
    expect((await t.client().get(`/auth/telegram?${query}`)).status).toBe(303);
    const replay = await t.client().get(`/auth/telegram?${query}`);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain("already used");
    expect(countRows(t.db, "sessions")).toBe(1);
  });

  test("without a bot token the widget route refuses and the login page explains the setup", async () => {
    t = await startTestApp([]);
    const client = t.client();
    const page = await client.get("/login");
    expect(page.text).toContain("Telegram login is not set up yet");
    expect(page.text).toContain("@BotFather");
    expect(page.text).toContain("--dev-login");
    expect(page.text).not.toContain("telegram-widget.js");
    const answer = await client.get(`/auth/telegram?${widgetQuery(ada(Math.floor(t.clock.now / 1000)))}`);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("not set up");
  });

  test("with a bot the login page embeds Telegram's widget in redirect mode and the consent line", async () => {
    t = await startTestApp(BOT);
    const page = await t.client().get("/login");
    expect(page.text).toContain('src="https://telegram.org/js/telegram-widget.js?23"');
    expect(page.text).toContain(`data-telegram-login="${TEST_BOT_USERNAME}"`);
    expect(page.text).toContain('data-auth-url="http://localhost:8080/auth/telegram"');
    expect(page.text).toContain('By logging in you accept the <a href="/privacy">privacy policy</a>');
    expect(page.text).not.toContain("Dev login");
  });
});

describe("Telegram Mini App", () => {
  const initData = (now: number, user: Record<string, unknown>) =>
    signWebAppInitData({ query_id: "AAH", user: JSON.stringify(user), auth_date: String(now) }, TEST_BOT_TOKEN);

  test("posting initData logs in, and its language becomes the interface language", async () => {
    t = await startTestApp(BOT);
    const client = t.client();
    await client.get("/tg");
    const user = { id: 777, first_name: "Иван", language_code: "ru-RU", username: "ivan_p" };
    const answer = await client.send("POST", "/auth/telegram/webapp", {
      json: { initData: initData(Math.floor(t.clock.now / 1000), user) },
      headers: { "x-csrf-token": client.csrfToken },
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ redirect: "/dashboard" });
    const me = (await client.get("/api/v1/me")).json();
    expect(me).toMatchObject({ telegramId: 777, firstName: "Иван", language: "ru", region: "RU" });
    const dashboard = await client.get("/dashboard");
    expect(dashboard.text).toContain('<html lang="ru">');
    expect(dashboard.text).toContain("Здравствуйте, Иван");
  });

  test("tampered initData answers a JSON error and writes nothing", async () => {
    t = await startTestApp(BOT);
    const client = t.client();
    await client.get("/tg");
    const good = initData(Math.floor(t.clock.now / 1000), { id: 778, first_name: "Eve" });
    const answer = await client.send("POST", "/auth/telegram/webapp", {
      json: { initData: good.replace("Eve", "Mallory") },
      headers: { "x-csrf-token": client.csrfToken },
    });
    expect(answer.status).toBe(401);
    expect(answer.json().error.code).toBe("telegram.bad_hash");
    expect(countRows(t.db, "accounts")).toBe(0);
  });

  const postInitData = (client: ReturnType<TestApp["client"]>, data: string) =>
    client.send("POST", "/auth/telegram/webapp", { json: { initData: data }, headers: { "x-csrf-token": client.csrfToken } });

  test("replayed initData is refused and does not create a second session", async () => {
    t = await startTestApp(BOT);
    const first = t.client();
    await first.get("/tg");
    const data = initData(Math.floor(t.clock.now / 1000), { id: 779, first_name: "Zoe" });
    expect((await postInitData(first, data)).status).toBe(200);
    const thief = t.client();
    await thief.get("/tg");
    const replay = await postInitData(thief, data);
    expect(replay.status).toBe(401);
    expect(replay.json().error.code).toBe("telegram.replayed");
    expect(countRows(t.db, "sessions")).toBe(1);
  });

  test("a later login without a region clears the old region instead of keeping it", async () => {
    t = await startTestApp(BOT);
    const now = Math.floor(t.clock.now / 1000);
    for (const [second, language, region] of [[0, "pt-BR", "BR"], [1, "en", null]] as const) {
      const client = t.client();
      await client.get("/tg");
      expect((await postInitData(client, initData(now + second, { id: 780, first_name: "Rui", language_code: language }))).status).toBe(200);
      expect((await client.get("/api/v1/me")).json()).toMatchObject({ region });
    }
  });

  test("the /tg page loads Telegram's script and no inline script", async () => {
    t = await startTestApp(BOT);
    const page = await t.client().get("/tg");
    expect(page.text).toContain('src="https://telegram.org/js/telegram-web-app.js"');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});

describe("Dev login", () => {
  test("a name logs in; the same name finds the same account", async () => {
    t = await startTestApp();
    const client = t.client();
    const answer = await client.devLogin("Grace");
    expect(answer.status).toBe(303);
    const me = (await client.get("/api/v1/me")).json();
    expect(me.firstName).toBe("Grace");
    const again = t.client();
    await again.devLogin("Grace");
    expect((await again.get("/api/v1/me")).json().youmeetId).toBe(me.youmeetId);
    expect(countRows(t.db, "accounts")).toBe(1);
  });

  for (const [name, label] of [["", "an empty name"], ["   ", "a blank name"], ["x".repeat(65), "a name too long"], ["a\u0007b", "a control character"]]) {
    test(`${label} shows the login page with the error and writes nothing`, async () => {
      t = await startTestApp();
      const client = t.client();
      await client.get("/login");
      const answer = await client.post("/auth/dev", { name: name! });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("Enter a name of 1 to 64 characters.");
      expect(countRows(t.db, "accounts")).toBe(0);
      expect(answer.headers.getSetCookie()).toEqual([]);
    });
  }

  test("without --dev-login the route refuses", async () => {
    t = await startTestApp([]);
    const client = t.client();
    await client.get("/login");
    const answer = await client.post("/auth/dev", { name: "Grace" });
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("Dev login is not enabled");
    expect(countRows(t.db, "accounts")).toBe(0);
  });
});
