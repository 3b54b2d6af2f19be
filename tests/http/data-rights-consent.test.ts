import { afterEach, describe, expect, test } from "bun:test";
import { PRIVACY_POLICY_VERSION } from "../../views/pages/privacy.ts";
import { api, snapshot } from "../helpers/account-data.ts";
import { startTestApp, type TestApp } from "../helpers/server.ts";

const apps: TestApp[] = [];
// The newest app first: the first one owns the data directory and removes it.
afterEach(() => apps.splice(0).reverse().forEach((app) => app.close()));
const start = async (flags: string[] = ["--dev-login"]) => {
  const app = await startTestApp(flags);
  apps.push(app);
  return app;
};

const consentOf = (t: TestApp) => t.db.query("SELECT consent_version AS version, consent_at AS at FROM accounts").all();

describe("consent at login", () => {
  test("the login page and the Mini App page say that logging in accepts the policy, linked, with its version", async () => {
    const t = await start();
    for (const path of ["/login", "/tg"]) {
      const page = (await t.client().get(path)).text;
      expect(page).toContain(
        `<p class="hint consent" data-policy-version="${PRIVACY_POLICY_VERSION}">By logging in you accept the <a href="/privacy">privacy policy</a> (version ${PRIVACY_POLICY_VERSION}).</p>`,
      );
    }
    const russian = (await t.client().get("/login", { "accept-language": "ru" })).text;
    expect(russian).toContain(`Входя, вы принимаете <a href="/privacy">политику конфиденциальности</a> (версия ${PRIVACY_POLICY_VERSION}).`);
    expect((await t.client().get("/privacy")).text).toContain(`data-policy-version="${PRIVACY_POLICY_VERSION}">Version ${PRIVACY_POLICY_VERSION}.`);
  });

  test("each login records the version in force and the time", async () => {
    const t = await start();
    const ada = t.client();
    await ada.devLogin("Ada");
    expect(consentOf(t)).toEqual([{ version: PRIVACY_POLICY_VERSION, at: t.clock.now }]);
    t.clock.now += 60_000;
    await t.client().devLogin("Ada");
    expect(consentOf(t)).toEqual([{ version: PRIVACY_POLICY_VERSION, at: t.clock.now }]);
    expect((await ada.get("/dashboard")).text).not.toContain("policy-banner");
  });
});

describe("a new policy version", () => {
  /** Ada logged in under the built-in policy; then the operator restarts with --privacy-policy-version 2027-01. */
  async function republished() {
    const before = await start();
    const ada = before.client();
    await ada.devLogin("Ada");
    const after = await start(["--dev-login", "--data-dir", before.config.dataDir, "--privacy-policy-version", "2027-01"]);
    after.clock.now = before.clock.now + 86_400_000;
    return { t: after, ada: after.client(), cookies: ada.cookies };
  }

  test("pages show a banner with the policy link and Accept; the JSON API keeps answering", async () => {
    const { t, ada, cookies } = await republished();
    for (const [k, v] of cookies) ada.cookies.set(k, v);
    for (const path of ["/dashboard", "/settings", "/my-data"]) {
      const page = (await ada.get(path)).text;
      expect(page).toContain("The privacy policy has changed (version 2027-01).");
      expect(page).toContain('<a href="/privacy">Read it</a>');
      expect(page).toContain('<form method="post" action="/privacy/accept"');
      expect(page).toContain('name="version" value="2027-01"');
    }
    expect((await ada.get("/my-data")).text).toContain(`You accepted version ${PRIVACY_POLICY_VERSION} of the`);
    const me = await ada.get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.text).not.toContain("2027-01");
    expect((await api(ada, "PATCH", "/api/v1/me", { language: "en" })).status).toBe(200);
    expect((await ada.get("/dashboard", { "accept-language": "ru" })).text).toContain("The privacy policy has changed");
    expect(consentOf(t)).toEqual([{ version: PRIVACY_POLICY_VERSION, at: expect.any(Number) }]);
  });

  test("Accept records the version and the time and goes back to the page; the banner is gone", async () => {
    const { t, ada, cookies } = await republished();
    for (const [k, v] of cookies) ada.cookies.set(k, v);
    await ada.get("/settings");
    const accepted = await ada.post("/privacy/accept", { version: "2027-01" }, { headers: { referer: `${t.config.publicUrl}/settings` } });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe("/settings");
    expect(consentOf(t)).toEqual([{ version: "2027-01", at: t.clock.now }]);
    expect((await ada.get("/dashboard")).text).not.toContain("policy-banner");
    const elsewhere = await ada.post("/privacy/accept", { version: "2027-01" }, { headers: { referer: "https://evil.example/phish" } });
    expect(elsewhere.headers.get("location")).toBe("/dashboard");
    // Our own origin with a path that a browser would read as another host ("//evil.example/x").
    for (const path of ["//evil.example/x", "/\\evil.example/x"]) {
      const sneaky = await ada.post("/privacy/accept", { version: "2027-01" }, { headers: { referer: `${t.config.publicUrl}${path}` } });
      expect([path, sneaky.headers.get("location")]).toEqual([path, "/dashboard"]);
    }
  });

  test("accepting a version other than the one in force, without a form token or without a login changes nothing", async () => {
    const { t, ada, cookies } = await republished();
    for (const [k, v] of cookies) ada.cookies.set(k, v);
    await ada.get("/dashboard");
    const before = snapshot(t.db);
    const stale = await ada.post("/privacy/accept", { version: PRIVACY_POLICY_VERSION });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain("The privacy policy changed again while you were reading");
    const staleJson = await ada.send("POST", "/privacy/accept", { json: { version: "2026-01" }, headers: { "x-csrf-token": ada.csrfToken } });
    expect(staleJson.json().error.code).toBe("privacy.version_changed");
    expect((await ada.post("/privacy/accept", { version: "2027-01", _csrf: "forged" })).status).toBe(403);
    const visitor = t.client();
    await visitor.get("/login");
    const anonymous = await visitor.post("/privacy/accept", { version: "2027-01" });
    expect(anonymous.headers.get("location")).toBe("/login");
    expect(snapshot(t.db)).toEqual(before);
  });

  test("logging in under the new version accepts it", async () => {
    const { t, ada } = await republished();
    await ada.devLogin("Ada");
    expect(consentOf(t)).toEqual([{ version: "2027-01", at: t.clock.now }]);
    expect((await ada.get("/dashboard")).text).not.toContain("policy-banner");
    expect((await ada.get("/login")).status).toBe(303);
    expect((await t.client().get("/login")).text).toContain("(version 2027-01)");
  });
});

describe("the OpenAPI document", () => {
  test("describes export, correction and deletion", async () => {
    const t = await start();
    const doc = (await t.client().get("/api/v1/openapi.json")).json();
    expect(doc.paths["/me/export"].get.responses["200"].headers["Content-Disposition"]).toBeDefined();
    expect(doc.paths["/me"].patch.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/UpdateMe" });
    expect(doc.paths["/me"].delete.responses["400"].description).toContain("account.confirm_required");
    expect(Object.keys(doc.components.schemas.UpdateMe.properties)).toEqual(["displayName", "language"]);
    expect(doc.components.schemas.DeleteMe.properties.confirm.const).toBe(true);
  });
});
