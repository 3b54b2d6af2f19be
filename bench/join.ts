/**
 * Join time and page weight of the meeting page, in Debian's Chromium against the real
 * server (`youmeet serve` in its own process, on loopback).
 *
 * One publisher page is live in a room. Then, N times, a second person (already logged in)
 * opens the room link, waits until the pre-join preview is up, and presses Join; the page
 * itself records the time from that click to the first decoded frame of the publisher's
 * video (requestVideoFrameCallback on the tile), with the steps in between. The weight is
 * the gzipped size of every script and style sheet the meeting page loads.
 *
 *   bun bench/join.ts [--runs 10]
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { freePort, launchBrowser } from "../tests/helpers/browser.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" } } });
const RUNS = Math.max(1, Number(values.runs) || 10);

/** Installed before any page script: timestamps of the join's steps, relative to the click. */
const PROBE = `(() => {
  const marks = {};
  const mark = (name) => { if (marks[name] === undefined && window.__clickAt !== undefined) marks[name] = performance.now() - window.__clickAt; };
  Object.defineProperty(window, "__joinMarks", { value: marks });
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(...args) {
      super(...args);
      mark("ws_created");
      this.addEventListener("open", () => mark("ws_open"));
      this.addEventListener("message", (event) => {
        try { mark("msg_" + JSON.parse(event.data).type); } catch {}
      });
    }
  };
  const NativePc = window.RTCPeerConnection;
  let count = 0;
  window.RTCPeerConnection = class extends NativePc {
    constructor(...args) {
      super(...args);
      const name = count++ === 0 ? "pub" : "sub";
      this.addEventListener("iceconnectionstatechange", () => { if (this.iceConnectionState === "connected") mark(name + "_ice_connected"); });
      this.addEventListener("connectionstatechange", () => { if (this.connectionState === "connected") mark(name + "_connected"); });
      this.addEventListener("track", () => mark(name + "_track"));
    }
  };
})();`;

/** Starts `youmeet serve` on a free port with a fresh data directory; resolves when healthy. */
async function startServer(): Promise<{ base: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "youmeet-bench-"));
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const root = join(import.meta.dir, "..");
  const server = Bun.spawn(
    [process.execPath, "src/main.ts", "serve", "--dev-login", "--port", String(port), "--public-url", base, "--data-dir", dir, "--log-format", "json", "--log-level", "warn", "--rtc-ports", "47000-47199"],
    { cwd: root, stdout: "ignore", stderr: "inherit" },
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the server did not become healthy within 20 s");
    await Bun.sleep(100);
  }
  return {
    base,
    stop: () => {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function devLogin(page: Page, base: string, name: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name="name"]', name);
  await page.click('form[action="/auth/dev"] button[type="submit"]');
  await page.waitForURL(`${base}/dashboard`);
}

/** Opens the room, waits for the preview, clicks Join in the page, returns the step times. */
async function timedJoin(page: Page, url: string): Promise<Record<string, number>> {
  await page.goto(url);
  await page.waitForSelector('#meeting[data-preview="on"]', { state: "attached" });
  await page.waitForFunction(() => (document.getElementById("preview-video") as HTMLVideoElement | null)?.readyState === 4);
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const w = window as unknown as { __clickAt: number; __joinMarks: Record<string, number> };
        const watched = new WeakSet<HTMLVideoElement>();
        const watch = () => {
          for (const video of document.querySelectorAll<HTMLVideoElement>('#grid .tile:not([data-self="true"]) video')) {
            if (watched.has(video)) continue;
            watched.add(video);
            video.requestVideoFrameCallback(() => {
              w.__joinMarks.first_frame = performance.now() - w.__clickAt;
              observer.disconnect();
              resolve(w.__joinMarks);
            });
          }
        };
        const observer = new MutationObserver(watch);
        observer.observe(document.getElementById("grid")!, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-peer-id"] });
        setTimeout(() => reject(new Error(`no remote frame within 20 s: ${JSON.stringify(w.__joinMarks)}`)), 20_000);
        w.__clickAt = performance.now();
        document.getElementById("join-button")!.click();
      }),
  );
}

/** Every script and style sheet the meeting page loads, gzipped (level 6, as proxies do). */
async function pageWeight(page: Page, url: string): Promise<{ files: { url: string; raw: number; gzip: number }[]; raw: number; gzip: number }> {
  const files: { url: string; raw: number; gzip: number }[] = [];
  const pending: Promise<void>[] = [];
  page.on("response", (response) => {
    const type = response.request().resourceType();
    if (type !== "script" && type !== "stylesheet") return;
    pending.push(
      response.body().then((body) => {
        files.push({ url: new URL(response.url()).pathname, raw: body.length, gzip: Bun.gzipSync(new Uint8Array(body), { level: 6 }).length });
      }),
    );
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await Promise.all(pending);
  files.sort((a, b) => b.gzip - a.gzip);
  return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const publisherContext = await browser.newContext();
  const publisher = await publisherContext.newPage();
  await devLogin(publisher, server.base, "Publisher");
  await publisher.fill('#rooms input[name="name"]', "Bench");
  await publisher.click('#rooms button[type="submit"]');
  await publisher.waitForSelector("#rooms li.room");
  const roomUrl = server.base + (await publisher.getAttribute("#rooms li.room a.room-name", "href"));
  await publisher.goto(roomUrl);
  await publisher.click("#join-button");
  await publisher.waitForSelector('#meeting[data-phase="call"]', { state: "attached" });

  const joinerContext = await browser.newContext();
  await joinerContext.addInitScript({ content: PROBE });
  const login = await joinerContext.newPage();
  await devLogin(login, server.base, "Joiner");
  await login.close();

  const weightPage = await joinerContext.newPage();
  const weight = await pageWeight(weightPage, roomUrl);
  await weightPage.close();

  const runs: Record<string, number>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await joinerContext.newPage();
    runs.push(await timedJoin(page, roomUrl));
    // Leave cleanly so the next run joins a room with just the publisher in it.
    await page.click("#leave-button");
    await page.close();
    await Bun.sleep(300);
  }

  const steps = ["ws_open", "msg_welcome", "msg_publish-answer", "msg_subscribe-offer", "sub_track", "sub_ice_connected", "sub_connected", "first_frame"];
  console.log(`Join time, ${RUNS} runs (ms from clicking Join; median of each step):`);
  for (const step of steps) {
    const values = runs.map((r) => r[step]).filter((v): v is number => typeof v === "number");
    if (values.length > 0) console.log(`  ${step.padEnd(22)} ${median(values).toFixed(0).padStart(6)}`);
  }
  const firstFrames = runs.map((r) => r.first_frame!);
  console.log(`  runs: ${firstFrames.map((v) => v.toFixed(0)).join(" ")}`);
  console.log(`median click -> first decoded remote frame: ${median(firstFrames).toFixed(0)} ms (target <= 400)`);
  console.log(`Page weight of the meeting page (scripts and style sheets):`);
  for (const file of weight.files) console.log(`  ${file.url.padEnd(28)} ${String(file.raw).padStart(7)} B raw ${String(file.gzip).padStart(7)} B gzip`);
  console.log(`total: ${weight.raw} B raw, ${weight.gzip} B gzipped = ${(weight.gzip / 1024).toFixed(1)} KiB (target <= 60 KB)`);
} finally {
  await browser.close();
  server.stop();
}
