import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBrowserApp } from "../helpers/browser.ts";
import { MeetingPage } from "../helpers/meeting-page.ts";

/**
 * A plan limit met in the meeting page is explained in the reader's language: the server sends
 * the sentence's values, the page fills in its own text.
 */

let app: Awaited<ReturnType<typeof startBrowserApp>>;

beforeAll(async () => {
  app = await startBrowserApp();
});
afterAll(async () => {
  await app?.close();
});

describe("plan limits in real Chromium", () => {
  test("a full call refuses the next person in Russian, naming the owner's plan and its limit", async () => {
    const free = app.t.stores.plans.find("free")!;
    app.t.stores.plans.update("free", { ...free, maxParticipants: 2 }, Date.now());
    const [ada, cleo, bob] = await Promise.all([MeetingPage.open(app.browser, "Ada"), MeetingPage.open(app.browser, "Cleo"), MeetingPage.open(app.browser, "Bob")]);
    await Promise.all([ada.devLogin(app.base, "Ada"), cleo.devLogin(app.base, "Cleo"), bob.devLogin(app.base, "Боб")]);
    await bob.page.goto(`${app.base}/settings`);
    await bob.page.selectOption('#settings select[name="language"]', "ru");
    await bob.page.click('#settings button[type="submit"]');
    await bob.page.waitForSelector("#settings .alert.success");

    await ada.page.fill('#rooms input[name="name"]', "Standup");
    await ada.page.click('#rooms button[type="submit"]');
    await ada.page.waitForSelector("#rooms li.room");
    const roomUrl = app.base + (await ada.page.getAttribute("#rooms li.room a.room-name", "href"));
    await ada.join(roomUrl);
    await cleo.join(roomUrl);

    await bob.page.goto(roomUrl);
    await bob.page.waitForSelector("#join-button:not([disabled])");
    await bob.page.click("#join-button");
    const refused = bob.page.locator('[data-banner="refused"]');
    await refused.waitFor({ state: "visible", timeout: 20_000 });
    expect(await refused.textContent()).toContain("Звонок заполнен: тариф владельца комнаты (free) позволяет участников: 2.");
    await Promise.all([ada.context.close(), cleo.context.close(), bob.context.close()]);
  }, 90_000);
});
