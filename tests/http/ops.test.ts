import { afterEach, describe, expect, test } from "bun:test";
import { startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

describe("operations endpoints", () => {
  test("/healthz answers 200 with the database, 503 when it does not answer", async () => {
    t = await startTestApp();
    expect((await t.client().get("/healthz")).json()).toEqual({ status: "ok" });
    t.db.close();
    const down = await t.client().get("/healthz");
    expect(down.status).toBe(503);
    expect(down.json().reason).toContain("database");
  });

  test("/metrics answers loopback clients with Prometheus text, counting requests", async () => {
    t = await startTestApp();
    const base = t.listen();
    await fetch(`${base}/`);
    await fetch(`${base}/nope`);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('youmeet_http_requests_total{method="GET",route="/",status="200"} 1');
    expect(text).toContain('status="404"');
    expect(text).toContain("youmeet_http_request_duration_seconds_bucket");
    expect(text).toContain("youmeet_process_resident_memory_bytes");
  });

  test("/metrics is refused to non-loopback clients without a token", async () => {
    t = await startTestApp();
    const answer = await t.client().get("/metrics");
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("--metrics-token");
  });

  test("with --metrics-token only the bearer token opens /metrics", async () => {
    t = await startTestApp(["--metrics-token", "s3cret-metrics-token"]);
    const base = t.listen();
    expect((await fetch(`${base}/metrics`)).status).toBe(403);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(403);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer s3cret-metrics-token" } })).status).toBe(200);
  });

  test("the OpenAPI document describes /me and the error body", async () => {
    t = await startTestApp();
    const doc = (await t.client().get("/api/v1/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/me"].get.responses["401"]).toBeDefined();
    expect(Object.keys(doc.components.schemas.Me.properties)).toEqual([
      "youmeetId", "telegramId", "firstName", "lastName", "displayName", "name", "username", "photoUrl", "language", "region", "createdAt",
    ]);
    expect(doc.components.schemas.Error.properties.error).toBeDefined();
  });
});
