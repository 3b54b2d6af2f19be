import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { NoticeService } from "../../src/notices/service.ts";
import { freePort, launchBrowser } from "../helpers/browser.ts";
import { countRows, startTestApp, type TestApp } from "../helpers/server.ts";

/** Starting Chromium and loading pages on a loaded machine takes a while (bunfig's timeout is not read by every Bun). */
const BROWSER = 90_000;
let browser: Browser;
let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp(["--dev-login", "--public-url", base]);
  t.listen(port);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  t?.close();
});

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await page.fill(`#feedback [name="${name}"]`, value);
}

describe("feedback form in real Chromium", () => {
  test("htmx swaps in the field errors with the input kept, then the confirmation; no CSP violations", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      // Chromium reports every 4xx answer as a failed resource; the 400 with the field errors is the form doing its job.
      if (message.type() === "error" && !message.text().includes("status of 400 (Bad Request)")) problems.push(message.text());
    });

    await page.goto(`${base}/`);
    await page.click('footer a[href="/feedback"]');
    await page.waitForURL(`${base}/feedback`);
    // The browser's own checks let these through; the server's do not.
    await fill(page, { name: "Ada", email: "ada@example", subject: "Echo", message: "I hear myself." });
    await page.click('#feedback button[type="submit"]');
    await page.waitForSelector("#feedback-email-error");
    expect(await page.textContent("#feedback-email-error")).toBe("This is not an email address; check it (it looks like name@example.com).");
    expect(await page.inputValue('#feedback [name="message"]')).toBe("I hear myself.");
    expect(page.url()).toBe(`${base}/feedback`);
    expect(countRows(t.db, "feedback")).toBe(0);

    await page.fill('#feedback [name="email"]', "ada@example.com");
    await page.click('#feedback button[type="submit"]');
    await page.waitForSelector("#feedback[role=status]");
    expect(await page.textContent("#feedback")).toContain("Your message was sent to the operator of this server.");
    expect(countRows(t.db, "feedback")).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  }, BROWSER);

  test("without JavaScript the form posts and redirects to the confirmation; the notice banner shows", async () => {
    new NoticeService(t.stores, () => t.clock.now).set("Maintenance at 22:00", null);
    t.clock.now += 10_000;
    const context = await browser.newContext({ locale: "en-US", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/feedback`);
    expect(await page.textContent(".notice-banner")).toBe("Service notice: Maintenance at 22:00");
    await fill(page, { name: "   ", email: "bob@example.com", subject: "Hi", message: "Hello" });
    await page.click('#feedback button[type="submit"]');
    await page.waitForSelector("#feedback-name-error");
    expect(await page.inputValue('#feedback [name="subject"]')).toBe("Hi");
    await page.fill('#feedback [name="name"]', "Bob");
    await page.click('#feedback button[type="submit"]');
    await page.waitForURL(`${base}/feedback/sent`);
    expect(await page.textContent("#feedback")).toContain("Thank you");
    expect(countRows(t.db, "feedback")).toBe(2);
    await context.close();
  }, BROWSER);
});
