import { afterEach, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

describe("pages", () => {
  test("the landing page says what youmeet is and links to login; logged in it links to the dashboard", async () => {
    t = await startTestApp();
    const client = t.client();
    const landing = await client.get("/");
    expect(landing.status).toBe(200);
    expect(landing.text).toContain("Meet by link");
    expect(landing.text).toContain('href="/login"');
    expect(landing.headers.get("vary")).toBe("HX-Request");
    await client.devLogin("Ada");
    expect((await client.get("/")).text).toContain('href="/dashboard"');
    expect((await client.get("/login")).status).toBe(303);
  });

  test("the dashboard and settings need a login", async () => {
    t = await startTestApp();
    for (const path of ["/dashboard", "/settings"]) {
      const answer = await t.client().get(path);
      expect(answer.status).toBe(303);
      expect(answer.headers.get("location")).toBe("/login");
    }
  });

  test("the dashboard shows who I am and my youmeet ID with a copy button", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.devLogin("Ada <script>");
    const me = (await client.get("/api/v1/me")).json();
    const page = await client.get("/dashboard");
    expect(page.text).toContain("Hello, Ada &lt;script&gt;");
    expect(page.text).not.toContain("Ada <script>");
    expect(page.text).toContain(`<code id="youmeet-id">${me.youmeetId}</code>`);
    expect(page.text).toContain('data-copy="#youmeet-id"');
  });

  test("an unknown page answers a 404 page; an unknown API path answers JSON", async () => {
    t = await startTestApp();
    const page = await t.client().get("/no/such/page");
    expect(page.status).toBe(404);
    expect(page.text).toContain("Page not found");
    const htmx = await t.client().get("/no/such/page", { "hx-request": "true" });
    expect(htmx.status).toBe(404);
    expect(htmx.text).not.toContain("<!doctype html>");
    expect(htmx.text).toContain("Page not found");
    const api = await t.client().get("/api/v1/nothing");
    expect(api.status).toBe(404);
    expect(api.json().error.code).toBe("not_found");
  });

  test("the privacy page states the retention days and contact address the server runs with", async () => {
    t = await startTestApp(["--retention-inactive-days", "90", "--retention-feedback-days", "30", "--contact-email", "ops@example.org"]);
    const page = await t.client().get("/privacy");
    expect(page.text).toContain("no login or visit for 90 days");
    expect(page.text).toContain("deleted 30 days after they were sent");
    expect(page.text).toContain("mailto:ops@example.org");
    expect(page.text).toContain("never recorded");
  });

  test("retention 0 reads as kept until deleted", async () => {
    t = await startTestApp(["--retention-inactive-days", "0", "--retention-feedback-days", "0"]);
    const page = await t.client().get("/privacy");
    expect(page.text).toContain("Accounts are kept until you delete them.");
    expect(page.text).toContain("Feedback messages are kept until the operator deletes them, or until your account is deleted if you sent them logged in.");
  });
});

describe("interface language", () => {
  test("visitors get Accept-Language, then their own pick from the cookie", async () => {
    t = await startTestApp();
    const russian = await t.client().get("/", { "accept-language": "de-DE, ru;q=0.9, en;q=0.8" });
    expect(russian.text).toContain('<html lang="ru">');
    expect(russian.text).toContain("Встречи по ссылке");
    const fallback = await t.client().get("/", { "accept-language": "de-DE" });
    expect(fallback.text).toContain('<html lang="en">');
    const picked = await t.client().get("/", { "accept-language": "ru", cookie: "youmeet_lang=en" });
    expect(picked.text).toContain('<html lang="en">');
  });

  test("the account setting wins over the browser, and Automatic returns to it", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.devLogin("Ada");
    const saved = await client.post("/settings", { language: "ru" });
    expect(saved.status).toBe(200);
    expect(saved.text).toContain("Сохранено.");
    expect((await client.get("/dashboard", { "accept-language": "en" })).text).toContain('<html lang="ru">');
    await client.post("/settings", { language: "auto" });
    expect((await client.get("/dashboard", { "accept-language": "en" })).text).toContain('<html lang="en">');
  });

  test("htmx gets the settings form fragment; a bad language is refused and nothing changes", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.devLogin("Ada");
    const fragment = await client.post("/settings", { language: "en" }, { headers: { "hx-request": "true" } });
    expect(fragment.text.startsWith('<form id="settings"')).toBe(true);
    const bad = await client.post("/settings", { language: "xx" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("is not a language youmeet speaks");
    expect((await client.get("/api/v1/me")).json().language).toBe("en");
  });
});
