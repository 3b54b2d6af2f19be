import { afterEach, describe, expect, test } from "bun:test";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

describe("security headers", () => {
  test("every answer has a strict CSP without inline script or eval, nosniff, frame-ancestors, Referrer-Policy", async () => {
    t = await startTestApp();
    for (const path of ["/", "/login", "/privacy", "/nope", "/api/v1/me", "/static/style.css", "/healthz"]) {
      const answer = await t.client().get(path);
      const csp = answer.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self' https://telegram.org");
      expect(csp).toContain("frame-ancestors");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("referrer-policy")).toBe("same-origin");
      // Telegram's login popup must keep its link to the widget's iframe.
      expect(answer.headers.get("cross-origin-opener-policy")).toBe("same-origin-allow-popups");
      expect(answer.headers.get("x-request-id")).toMatch(/^[0-9a-f]{16}$/);
      expect(answer.headers.get("strict-transport-security")).toBeNull();
    }
  });

  test("pages contain no inline script and no htmx js: or hx-on attributes", async () => {
    t = await startTestApp();
    const client = t.client();
    const pages = [await client.get("/"), await client.get("/login"), await client.get("/privacy")];
    await client.devLogin("Ada");
    pages.push(await client.get("/dashboard"), await client.get("/settings"));
    for (const page of pages) {
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/\shx-on|["']js:/);
    }
  });
});

describe("CSRF", () => {
  test("a post without the form token is refused and changes nothing", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.get("/login");
    const answer = await client.send("POST", "/auth/dev", { form: { name: "Ada" } });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("reload the page");
    expect(countRows(t.db, "accounts")).toBe(0);
  });

  test("a post from another origin is refused even with a valid token", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.get("/login");
    const answer = await client.post("/auth/dev", { name: "Ada" }, { origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("another site");
    const site = await client.post("/auth/dev", { name: "Ada" }, { origin: null, headers: { "sec-fetch-site": "cross-site" } });
    expect(site.status).toBe(403);
    expect(countRows(t.db, "accounts")).toBe(0);
  });

  test("the requested origin counts as this site only on loopback, so a DNS-rebinding name is refused", async () => {
    t = await startTestApp();
    const rebound = t.client("http://rebound.example:8080");
    await rebound.get("/login");
    expect((await rebound.post("/auth/dev", { name: "Ada" })).status).toBe(403);
    expect(countRows(t.db, "accounts")).toBe(0);
    const local = t.client("http://127.0.0.1:8080");
    await local.get("/login");
    expect((await local.post("/auth/dev", { name: "Ada" })).status).toBe(303);
    expect(countRows(t.db, "accounts")).toBe(1);
  });

  test("a logged-in form token only works with its own session", async () => {
    t = await startTestApp();
    const ada = t.client();
    await ada.devLogin("Ada");
    const grace = t.client();
    await grace.devLogin("Grace");
    const stolen = await grace.post("/settings", { language: "ru", _csrf: ada.csrfToken });
    expect(stolen.status).toBe(403);
    expect((await grace.get("/api/v1/me")).json().language).toBe("en");
    const own = await grace.post("/settings", { language: "ru" });
    expect(own.status).toBe(200);
    expect((await grace.get("/api/v1/me")).json().language).toBe("ru");
  });

  test("an anonymous form token expires after a day", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.get("/login");
    t.clock.now += 25 * 3600 * 1000;
    expect((await client.post("/auth/dev", { name: "Ada" })).status).toBe(403);
  });
});

describe("limits", () => {
  test("login attempts are rate limited per client with Retry-After", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.get("/login");
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await client.post("/auth/dev", { name: "" })).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    const limited = await client.post("/auth/dev", { name: "Ada" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.text).toContain("wait a minute");
    expect(countRows(t.db, "accounts")).toBe(0);
    t.clock.now += 61_000;
    expect((await client.post("/auth/dev", { name: "Ada" })).status).toBe(303);
  });

  test("a body over 64 KiB is refused with 413 and nothing is written (real server)", async () => {
    t = await startTestApp();
    const base = t.listen();
    const page = await fetch(`${base}/login`);
    const token = (await page.text()).match(/name="csrf-token" content="([^"]+)"/)![1]!;
    const answer = await fetch(`${base}/auth/dev`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.config.publicOrigin },
      body: new URLSearchParams({ _csrf: token, name: "x".repeat(70_000) }).toString(),
    });
    expect(answer.status).toBe(413);
    expect(await answer.text()).toContain("larger than this server accepts");
    expect(countRows(t.db, "accounts")).toBe(0);
  });

  test("an oversize field within the body limit is refused by its schema", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.get("/login");
    const answer = await client.post("/auth/dev", { name: "x".repeat(300) });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("The field &quot;name&quot; is invalid");
    expect(countRows(t.db, "accounts")).toBe(0);
  });
});
