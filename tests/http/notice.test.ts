import { afterEach, describe, expect, test } from "bun:test";
import { NOTICE_CACHE_MS, NoticeService } from "../../src/notices/service.ts";
import { startTestApp, type TestApp } from "../helpers/server.ts";

let t: TestApp;
afterEach(() => t?.close());

const BANNER = /<div class="notice-banner" role="status">(.*?)<\/div>/;

describe("service notice banner", () => {
  test("shows, escaped and as written, on every page for visitors and users; changes are picked up after the cache time", async () => {
    t = await startTestApp();
    // Another process (the admin CLI) writes the row; a service of its own stands in for it here.
    const cli = new NoticeService(t.stores, () => t.clock.now);
    const visitor = t.client();
    const ada = t.client();
    await ada.devLogin("Ada");
    expect((await visitor.get("/")).text).not.toMatch(BANNER);

    cli.set("Техработы <b>сегодня</b> в 22:00 & later", null);
    // The server read "no notice" a moment ago and trusts that for a few seconds.
    expect((await visitor.get("/")).text).not.toMatch(BANNER);
    t.clock.now += NOTICE_CACHE_MS;
    for (const [client, path] of [[visitor, "/"], [visitor, "/privacy"], [visitor, "/feedback"], [visitor, "/nowhere"], [ada, "/dashboard"], [ada, "/settings"]] as const) {
      const banner = (await client.get(path)).text.match(BANNER);
      expect(banner?.[1]).toBe('<strong>Service notice:</strong> <span dir="auto">Техработы &lt;b&gt;сегодня&lt;/b&gt; в 22:00 &amp; later</span>');
    }
    const ru = (await visitor.get("/", { "accept-language": "ru" })).text.match(BANNER);
    expect(ru?.[1]).toContain("<strong>Объявление:</strong>");

    cli.clear();
    t.clock.now += NOTICE_CACHE_MS;
    expect((await visitor.get("/")).text).not.toMatch(BANNER);
  });

  test("a notice with an end time stops showing when it passes", async () => {
    t = await startTestApp();
    const cli = new NoticeService(t.stores, () => t.clock.now);
    cli.set("Maintenance", t.clock.now + 60_000);
    const client = t.client();
    expect((await client.get("/")).text).toMatch(BANNER);
    t.clock.now += 60_000;
    expect((await client.get("/")).text).not.toMatch(BANNER);
    expect(cli.stored()).toMatchObject({ text: "Maintenance", showing: false });
  });

  test("empty, too long and already ended notices are refused and change nothing", async () => {
    t = await startTestApp();
    const cli = new NoticeService(t.stores, () => t.clock.now);
    cli.set("Kept", null);
    expect(() => cli.set(" \n ", null)).toThrow("The notice text is empty");
    expect(() => cli.set("x".repeat(501), null)).toThrow("The notice has 501 characters; keep it to 500.");
    expect(() => cli.set("Late", t.clock.now)).toThrow("already passed");
    expect(cli.stored()).toMatchObject({ text: "Kept", until: null });
  });
});
