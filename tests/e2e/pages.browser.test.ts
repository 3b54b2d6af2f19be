import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { startBrowserApp } from "../helpers/browser.ts";
import type { TestApp } from "../helpers/server.ts";

let browser: Browser;
let t: TestApp;
let base: string;

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserApp());
});
afterAll(async () => {
  await browser?.close();
  t?.close();
});

describe("pages in real Chromium", () => {
  test("dev login, dashboard with youmeet ID, htmx settings swap, copy button, logout; no CSP violations", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(`${base}/login`);
    await page.fill('input[name="name"]', "Ada");
    await page.click('form[action="/auth/dev"] button[type="submit"]');
    await page.waitForURL(`${base}/dashboard`);
    expect(await page.textContent("h1")).toBe("Hello, Ada");
    const youmeetId = (await page.textContent("#youmeet-id"))!;
    expect(youmeetId).toMatch(/^[2-9a-z]{3}-[2-9a-z]{3}-[2-9a-z]{3}$/);

    await page.click("button[data-copy]");
    await page.waitForFunction(() => document.querySelector("button[data-copy]")?.textContent === "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(youmeetId);

    await page.goto(`${base}/settings`);
    await page.waitForFunction(() => "htmx" in window);
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.selectOption('select[name="language"]', "ru");
    await page.click('#settings button[type="submit"]');
    // htmx swaps the form in place (same URL), in the language just chosen.
    await page.waitForSelector("#settings .alert.success");
    expect(await page.textContent("#settings .alert.success")).toBe("Сохранено.");
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem("youmeet.language"))).toBe("ru");

    await page.click('form[action="/auth/logout"] button');
    await page.waitForURL(`${base}/`);
    expect(await page.isVisible('a[href="/login"]')).toBe(true);
    expect(problems.filter((p) => !p.includes("favicon"))).toEqual([]);
    await context.close();
  });

  test("a phone-sized screen shows the dashboard without horizontal scrolling", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name="name"]', "Grace");
    await page.tap('form[action="/auth/dev"] button[type="submit"]');
    await page.waitForURL(`${base}/dashboard`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});
