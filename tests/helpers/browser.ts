import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startTestApp, type TestApp } from "./server.ts";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-gpu",
];

/**
 * Debian's Chromium: CHROME_PATH, else /usr/bin/chromium, else installed with apt when we
 * are root. Otherwise one sentence says what to install; browser tests never skip silently.
 */
export function chromiumPath(): string {
  const candidates = [process.env.CHROME_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    const install = Bun.spawnSync(["sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], {
      stdout: "inherit",
      stderr: "inherit",
    });
    if (install.exitCode === 0 && existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  }
  throw new Error("Chromium is missing: install Debian's chromium package (apt-get install chromium) or set CHROME_PATH.");
}

/** Launches headless Chromium with fake camera and microphone. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true });
}

/** A free TCP port on loopback (for a server whose public URL must name its port). */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/**
 * A test app served on a free loopback port that its public URL names, and Chromium. The
 * browser bundle is rebuilt first, so the pages run the client code as it is now.
 */
export async function startBrowserApp(flags: string[] = ["--dev-login"]): Promise<{ t: TestApp; base: string; browser: Browser; close(): Promise<void> }> {
  const build = Bun.spawnSync([process.execPath, "scripts/build-assets.ts"], { cwd: join(import.meta.dir, "../.."), stderr: "inherit" });
  if (build.exitCode !== 0) throw new Error("building the browser bundle (scripts/build-assets.ts) failed");
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp([...flags, "--public-url", base]);
  t.listen(port);
  const browser = await launchBrowser();
  return {
    t,
    base,
    browser,
    close: async () => {
      await browser.close();
      t.close();
    },
  };
}
