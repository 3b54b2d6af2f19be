import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { startBrowserApp } from "../helpers/browser.ts";

let browser: Browser;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ browser, base, close } = await startBrowserApp());
});
afterAll(async () => {
  await close?.();
});

/** A fresh browser profile logged in by dev login, on its dashboard; returns the page and the youmeet ID. */
async function person(name: string, problems: string[]): Promise<{ page: Page; youmeetId: string }> {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${name}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${name}: ${error.message}`));
  await page.goto(`${base}/login`);
  await page.fill('input[name="name"]', name);
  await page.click('form[action="/auth/dev"] button[type="submit"]');
  await page.waitForURL(`${base}/dashboard`);
  return { page, youmeetId: (await page.textContent("#youmeet-id"))!.trim() };
}

/** Adds a contact with the dashboard form (htmx swaps the section in place). */
async function addContact(page: Page, typed: string, name: string): Promise<void> {
  await page.waitForFunction(() => "htmx" in window);
  await page.fill('#contacts input[name="contact"]', typed);
  await page.click('#contacts form.add-contact button[type="submit"]');
  await page.waitForSelector(`#contacts .alert.success:has-text("${name} was added")`);
}

/** Two browsers, several pages and a room page: more than bun's default 5 s on a busy machine. */
const BROWSER_TEST_MS = 60_000;

describe("contacts and ringing in real Chromium", () => {
  test("Ada calls Bob: Bob's dashboard shows the banner, Accept takes both into the room", async () => {
    const problems: string[] = [];
    const ada = await person("Ada", problems);
    const bob = await person("Bob", problems);
    // Typed the way people type: upper case, spaces instead of dashes.
    await addContact(ada.page, bob.youmeetId.toUpperCase().replace(/-/g, " "), "Bob");
    await addContact(bob.page, ada.youmeetId, "Ada");
    await ada.page.waitForSelector("html[data-live=ready]");
    await bob.page.waitForSelector("html[data-live=ready]");
    // Bob's page counts as online in Ada's list once it refreshes.
    await ada.page.reload();
    await ada.page.waitForSelector("html[data-live=ready]");
    expect(await ada.page.textContent(`li[data-youmeet-id="${bob.youmeetId}"]`)).toContain("Online now");

    await ada.page.click(`li[data-youmeet-id="${bob.youmeetId}"] button.call-contact`);
    await ada.page.waitForSelector('#calls .call-panel.outgoing[data-state="ringing"]');
    expect(await ada.page.textContent("#calls .call-panel")).toContain("Calling Bob…");
    const banner = await bob.page.waitForSelector('#calls .call-panel.incoming[data-state="ringing"]');
    expect(await banner.textContent()).toContain("Ada is calling you");

    await bob.page.click("#calls button.call-accept");
    await bob.page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
    await ada.page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/);
    expect(new URL(ada.page.url()).pathname).toBe(new URL(bob.page.url()).pathname);
    expect(problems.filter((p) => !p.includes("favicon"))).toEqual([]);
  }, BROWSER_TEST_MS);

  test("Decline on one of Bob's two tabs: the other stops ringing and Ada sees the decline", async () => {
    const problems: string[] = [];
    const ada = await person("Cleo", problems);
    const bob = await person("Dan", problems);
    await addContact(bob.page, ada.youmeetId, "Cleo");
    const secondTab = await bob.page.context().newPage();
    await secondTab.goto(`${base}/settings`);
    await Promise.all([ada.page, bob.page, secondTab].map((page) => page.waitForSelector("html[data-live=ready]")));
    await addContact(ada.page, bob.youmeetId, "Dan");

    await ada.page.click(`li[data-youmeet-id="${bob.youmeetId}"] button.call-contact`);
    await bob.page.waitForSelector('#calls .call-panel.incoming[data-state="ringing"]');
    await secondTab.waitForSelector('#calls .call-panel.incoming[data-state="ringing"]');
    await bob.page.click("#calls button.call-decline");
    await secondTab.waitForSelector("#calls .call-panel", { state: "detached" });
    await bob.page.waitForSelector("#calls .call-panel", { state: "detached" });
    await ada.page.waitForSelector('#calls .call-panel[data-state="declined"]');
    expect(await ada.page.textContent("#calls .call-panel")).toContain("Dan declined the call.");
    await ada.page.click("#calls [data-dismiss-call]");
    await ada.page.waitForSelector("#calls .call-panel", { state: "detached" });
    expect(problems.filter((p) => !p.includes("favicon"))).toEqual([]);
  }, BROWSER_TEST_MS);
});
