import { afterEach, describe, expect, test } from "bun:test";
import { api, snapshot } from "../helpers/account-data.ts";
import { startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

async function ada() {
  t = await startTestApp();
  const client = t.client();
  await client.devLogin("Ada");
  return client;
}

describe("PATCH /api/v1/me", () => {
  test("sets a display name that others see and that survives the next Telegram login; null resets it", async () => {
    const client = await ada();
    const set = await api(client, "PATCH", "/api/v1/me", { displayName: "  Countess   of Lovelace " });
    expect(set.status).toBe(200);
    expect(set.json()).toEqual({ displayName: "Countess of Lovelace", name: "Countess of Lovelace", language: null });
    expect((await client.get("/api/v1/me")).json()).toMatchObject({ firstName: "Ada", displayName: "Countess of Lovelace", name: "Countess of Lovelace" });
    expect((await client.get("/dashboard")).text).toContain("Hello, Countess of Lovelace");
    const roomId = (await api(client, "POST", "/api/v1/rooms", { name: "Salon" })).json().id;
    expect((await client.get(`/r/${roomId}`)).text).toContain('data-viewer-name="Countess of Lovelace"');

    // Logging in again rewrites Telegram's fields but not the name the user chose.
    await t.client().devLogin("Ada");
    expect((await client.get("/api/v1/me")).json()).toMatchObject({ displayName: "Countess of Lovelace" });

    const reset = await api(client, "PATCH", "/api/v1/me", { displayName: null });
    expect(reset.json()).toEqual({ displayName: null, name: "Ada", language: null });
    expect((await client.get("/dashboard")).text).toContain("Hello, Ada");
  });

  test("sets and resets the interface language; an empty body changes nothing", async () => {
    const client = await ada();
    expect((await api(client, "PATCH", "/api/v1/me", { language: "ru" })).json()).toMatchObject({ language: "ru" });
    expect((await client.get("/dashboard")).text).toContain('<html lang="ru">');
    const before = snapshot(t.db);
    expect((await api(client, "PATCH", "/api/v1/me", {})).json()).toMatchObject({ language: "ru", displayName: null });
    expect(snapshot(t.db)).toEqual(before);
    expect((await api(client, "PATCH", "/api/v1/me", { language: null })).json()).toMatchObject({ language: null });
    expect((await client.get("/dashboard")).text).toContain('<html lang="en">');
  });

  test("every bad input answers its code and message and changes nothing", async () => {
    const client = await ada();
    await api(client, "PATCH", "/api/v1/me", { displayName: "Ada L.", language: "en" });
    const cases: Array<[unknown, string, string]> = [
      [{ displayName: "" }, "profile.name_empty", "cannot be empty"],
      [{ displayName: "   " }, "profile.name_empty", "cannot be empty"],
      [{ displayName: "x".repeat(65) }, "profile.name_too_long", "at most 64 characters"],
      [{ displayName: "x".repeat(1001) }, "request.invalid", "displayName"],
      [{ displayName: "Ada\u0000" }, "profile.name_control", "control characters"],
      [{ displayName: "Ada\nLovelace" }, "profile.name_control", "control characters"],
      [{ displayName: "\u202eecalevoL" }, "profile.name_control", "direction marks"],
      [{ displayName: "", language: "ru" }, "profile.name_empty", "cannot be empty"],
      [{ displayName: 42 }, "request.invalid", "displayName"],
      [{ displayName: ["Ada"] }, "request.invalid", "displayName"],
      [{ language: "de" }, "request.invalid", "language"],
      [{ language: 1 }, "request.invalid", "language"],
      [{ language: "RU" }, "request.invalid", "language"],
      [{ nickname: "Ada" }, "request.invalid", "nickname"],
      [{ displayName: "Fine", extra: true }, "request.invalid", "extra"],
      [[{ displayName: "Fine" }], "request.invalid", ""],
      ["Fine", "request.invalid", ""],
    ];
    const before = snapshot(t.db);
    for (const [body, code, words] of cases) {
      const answer = await api(client, "PATCH", "/api/v1/me", body);
      const error = answer.json().error;
      expect([JSON.stringify(body).slice(0, 40), answer.status, error.code]).toEqual([JSON.stringify(body).slice(0, 40), 400, code]);
      expect(error.message).toContain(words);
    }
    const unreadable = await client.send("PATCH", "/api/v1/me", { body: "{displayName", headers: { "content-type": "application/json", "x-csrf-token": client.csrfToken } });
    expect(unreadable.status).toBe(400);
    expect((await client.send("PATCH", "/api/v1/me", { json: { displayName: "No token" } })).status).toBe(403);
    expect((await t.client().send("PATCH", "/api/v1/me", { json: { displayName: "Nobody" } })).status).toBe(403);
    expect(snapshot(t.db)).toEqual(before);
    expect((await client.get("/api/v1/me")).json()).toMatchObject({ displayName: "Ada L.", name: "Ada L." });
  });
});

describe("the settings page", () => {
  test("corrects the display name; empty shows Telegram's again", async () => {
    const client = await ada();
    const page = (await client.get("/settings")).text;
    expect(page).toContain('name="displayName" value=""');
    expect(page).toContain("Leave it empty to use your Telegram name (Ada)");
    const saved = await client.post("/settings", { displayName: "Lovelace", language: "auto" });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('name="displayName" value="Lovelace"');
    expect(saved.text).toContain("Saved.");
    expect((await client.get("/api/v1/me")).json().name).toBe("Lovelace");
    await client.post("/settings", { displayName: "", language: "auto" });
    expect((await client.get("/api/v1/me")).json()).toMatchObject({ displayName: null, name: "Ada" });
  });

  test("a bad name answers the form with the reason in the reader's language and changes nothing", async () => {
    const client = await ada();
    await client.post("/settings", { displayName: "Lovelace", language: "ru" });
    const before = snapshot(t.db);
    const tooLong = await client.post("/settings", { displayName: "y".repeat(65), language: "en" });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain("Отображаемое имя может быть не длиннее 64 символов.");
    expect(tooLong.text).toContain(`value="${"y".repeat(65)}"`);
    const htmx = await client.post("/settings", { displayName: "a\u0007b", language: "ru" }, { headers: { "hx-request": "true" } });
    expect(htmx.status).toBe(400);
    expect(htmx.text).toStartWith('<form id="settings"');
    expect(htmx.text).toContain("управляющие символы");
    expect((await client.post("/settings", { displayName: "Fine", language: "klingon" })).status).toBe(400);
    expect(snapshot(t.db)).toEqual(before);
  });
});
