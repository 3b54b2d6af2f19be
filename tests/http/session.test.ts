import { afterEach, describe, expect, test } from "bun:test";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "../../src/auth/sessions.ts";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

describe("session cookie", () => {
  test("on http: HttpOnly, SameSite=Lax, not Secure, no __Host- prefix; only the token's hash is stored", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.get("/login");
    const answer = await client.post("/auth/dev", { name: "Ada" });
    const [cookie] = answer.headers.getSetCookie();
    expect(cookie).toMatch(/^youmeet_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=7776000; HttpOnly; SameSite=Lax$/);
    const token = cookie!.split(";")[0]!.split("=")[1]!;
    const stored = t.db.query<{ token_hash: Uint8Array }, []>("SELECT token_hash FROM sessions").get()!;
    expect(Buffer.from(stored.token_hash).toString("hex")).toBe(new Bun.CryptoHasher("sha256").update(token).digest("hex"));
    expect(t.db.query("SELECT count(*) AS n FROM sessions WHERE token_hash = ?").get(token)).toEqual({ n: 0 });
  });

  test("on https: Secure with the __Host- prefix, and HSTS is sent", async () => {
    t = await startTestApp(["--dev-login", "--public-url", "https://meet.example.org"]);
    const https = t.client("https://meet.example.org");
    await https.get("/login");
    const answer = await https.post("/auth/dev", { name: "Ada" });
    const [cookie] = answer.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-youmeet_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    expect(answer.headers.get("strict-transport-security")).toContain("max-age=");
    expect((await https.get("/api/v1/me")).status).toBe(200);
  });

  test("logout ends the session: row deleted, cookie cleared, /api/v1/me answers 401", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.devLogin("Ada");
    const token = client.cookies.get("youmeet_session")!;
    const logout = await client.post("/auth/logout");
    expect(logout.status).toBe(303);
    expect(logout.headers.get("location")).toBe("/");
    expect(logout.headers.getSetCookie()[0]).toContain("Max-Age=0");
    expect(countRows(t.db, "sessions")).toBe(0);
    const me = await client.send("GET", "/api/v1/me", { headers: { cookie: `youmeet_session=${token}` } });
    expect(me.status).toBe(401);
    expect(me.json().error).toMatchObject({ code: "auth.required" });
  });

  test("the browser keeps the cookie until the absolute end, so an active session really slides past 30 days", async () => {
    t = await startTestApp();
    const client = t.client();
    const answer = await (await client.get("/login"), client.post("/auth/dev", { name: "Ada" }));
    const maxAge = Number(/Max-Age=(\d+)/.exec(answer.headers.getSetCookie()[0]!)![1]);
    expect(maxAge * 1000).toBe(SESSION_ABSOLUTE_MS);
    expect(maxAge * 1000).toBeGreaterThan(SESSION_IDLE_MS);
  });

  test("idle for 30 days ends the session; activity slides it; 90 days is the absolute end", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.devLogin("Ada");
    const start = t.clock.now;
    for (let day = 20; day < 100; day += 20) {
      t.clock.now = start + day * 86_400_000;
      const status = (await client.get("/api/v1/me")).status;
      expect(status).toBe(t.clock.now - start < SESSION_ABSOLUTE_MS ? 200 : 401);
    }
    const idle = t.client();
    await idle.devLogin("Grace");
    t.clock.now += SESSION_IDLE_MS + 1000;
    expect((await idle.get("/api/v1/me")).status).toBe(401);
  });

  test("deleting an account deletes its sessions (foreign key cascade)", async () => {
    t = await startTestApp();
    const client = t.client();
    await client.devLogin("Ada");
    expect(countRows(t.db, "sessions")).toBe(1);
    t.db.run("DELETE FROM accounts");
    expect(countRows(t.db, "sessions")).toBe(0);
    expect((await client.get("/api/v1/me")).status).toBe(401);
  });

  test("a forged or malformed cookie is just logged out", async () => {
    t = await startTestApp();
    const client = t.client();
    for (const value of ["x", "A".repeat(43), "%00%00", "a".repeat(5000)]) {
      const answer = await client.send("GET", "/dashboard", { headers: { cookie: `youmeet_session=${value}` } });
      expect(answer.status).toBe(303);
      expect(answer.headers.get("location")).toBe("/login");
    }
  });
});
