import { afterEach, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

const from = (address: string) => ({ headers: { "x-forwarded-for": address } });

describe("--trust-proxy", () => {
  test("the client is the address the proxy appended: /metrics refuses a forwarded outsider, even one claiming loopback", async () => {
    t = await startTestApp(["--dev-login", "--trust-proxy"]);
    const base = t.listen();
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`, from("203.0.113.9"))).status).toBe(403);
    expect((await fetch(`${base}/metrics`, from("127.0.0.1, 203.0.113.9"))).status).toBe(403);
    expect((await fetch(`${base}/metrics`, from("203.0.113.9, 127.0.0.1"))).status).toBe(200);
    expect((await fetch(`${base}/metrics`, from("not-an-address"))).status).toBe(200);
  });

  test("the login rate limit counts each forwarded client on its own", async () => {
    t = await startTestApp(["--dev-login", "--trust-proxy"]);
    const base = t.listen();
    const statuses = async (address: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await fetch(`${base}/auth/telegram?id=1`, from(address))).status);
      return out;
    };
    const first = await statuses("198.51.100.1", 25);
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await statuses("198.51.100.2", 1))[0]).not.toBe(429);
  });

  test("without it X-Forwarded-For is ignored", async () => {
    t = await startTestApp();
    const base = t.listen();
    expect((await fetch(`${base}/metrics`, from("203.0.113.9"))).status).toBe(200);
  });
});
