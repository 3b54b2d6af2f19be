import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import type { Browser, WebSocketRoute } from "playwright-core";
import { startBrowserApp } from "../helpers/browser.ts";
import { expectNoProblems, MeetingPage } from "../helpers/meeting-page.ts";
import type { TestApp } from "../helpers/server.ts";

/**
 * One call in Debian's Chromium, step by step, reusing the same pages: three people join,
 * share a screen, chat, the owner mutes, the guest's signaling connection drops silently,
 * the owner removes and locks. Each step checks what the person sees and what getStats says.
 */

const STEP_MS = 90_000;

let browser: Browser;
let t: TestApp;
let base: string;
let roomUrl = "";
let ada: MeetingPage;
let bob: MeetingPage;
let gus: MeetingPage;
const everyone = () => [ada, bob, gus];
/** Each of the three and the two others it must see and hear. */
const allThree = (): [MeetingPage, string[]][] => [
  [ada, ["Bob", "Gus"]],
  [bob, ["Ada", "Gus"]],
  [gus, ["Ada", "Bob"]],
];
/** Gus's signaling sockets, routed through the test so one can be cut. */
const gusSockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserApp());
});
afterAll(async () => {
  await browser?.close();
  t?.close();
});

/** Every page decodes video and receives audio from each named participant; all failures are reported. */
async function allMedia(cases: [MeetingPage, string[]][]): Promise<void> {
  const results = await Promise.allSettled(
    cases.map(([page, others]) => page.expectMedia(Object.fromEntries(others.map((name) => [name, { video: true, audio: true }])))),
  );
  expect(results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []))).toEqual([]);
}

/** The bytes of the database file and its WAL and shared-memory files. */
function databaseBytes(): string {
  const path = t.config.dbPath;
  return [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file)).map((file) => readFileSync(file).toString("latin1")).join("");
}

describe("a call in real Chromium", () => {
  test(
    "the owner creates a room on the dashboard; two accounts and a guest join and each decodes both others",
    async () => {
      [ada, bob, gus] = await Promise.all([MeetingPage.open(browser, "Ada"), MeetingPage.open(browser, "Bob"), MeetingPage.open(browser, "Gus")]);
      await gus.page.routeWebSocket(/\/ws/, (ws) => {
        gusSockets.push({ page: ws, server: ws.connectToServer() });
      });
      await Promise.all([ada.devLogin(base, "Ada"), bob.devLogin(base, "Bob")]);
      await ada.page.fill('#rooms input[name="name"]', "Standup");
      await ada.page.click('#rooms button[type="submit"]');
      await ada.page.waitForSelector("#rooms li.room");
      roomUrl = base + (await ada.page.getAttribute("#rooms li.room a.room-name", "href"));
      expect(roomUrl).toMatch(/\/r\/[A-Za-z0-9_-]{11,}$/);

      // Everyone presses Join at once, as soon as the page is there.
      await Promise.all([ada.join(roomUrl), bob.join(roomUrl), gus.join(roomUrl, "Gus")]);
      for (const [page, others] of allThree()) {
        await page.waitForTiles(others);
        expect(await page.page.textContent('#grid .tile[data-self="true"] .name')).toBe(`${page.label} (you)`);
        expect(await page.page.textContent("#people-badge")).toBe("3");
      }
      await allMedia(allThree());
      // Each remote tile gets a connection-quality mark from getStats, and someone speaks.
      for (const page of everyone()) {
        await page.page.waitForFunction(() => {
          const tiles = [...document.querySelectorAll('#grid .tile:not([data-self="true"])')];
          return tiles.length === 2 && tiles.every((tile) => tile.getAttribute("data-quality") === "good");
        }, undefined, { timeout: 20_000 });
        expect(await page.page.getAttribute('#grid .tile:not([data-self="true"]) .quality', "title")).toBe("Connection good");
        await page.page.waitForSelector('#grid .tile[data-speaking="true"]', { state: "attached", timeout: 20_000 });
      }
      await expectNoProblems(everyone());
    },
    STEP_MS,
  );

  test(
    "a screen share is decoded by the others and shown as the large tile, and goes when stopped by the button or the browser's own bar",
    async () => {
      await bob.page.click("#screen-button");
      await bob.page.waitForSelector('#stage .screen-tile[data-self="true"]');
      expect(await bob.page.textContent("#stage .screen-tile .name")).toBe("You are sharing your screen");
      const bobId = await ada.peerIdOf("Bob");
      for (const viewer of [ada, gus]) {
        await viewer.page.waitForSelector(`#stage .screen-tile[data-peer-id="${bobId}"]`, { timeout: 20_000 });
        expect(await viewer.page.textContent(`#stage .screen-tile[data-peer-id="${bobId}"] .name`)).toBe("Bob's screen");
      }
      await Promise.all([ada, gus].map((viewer) => viewer.expectMedia({ Bob: { screen: true, video: true } })));
      for (const viewer of [ada, gus]) {
        const screen = await viewer.page.locator("#stage .screen-tile").boundingBox();
        const tiles = await viewer.page.locator("#grid .tile").evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width * el.getBoundingClientRect().height));
        expect(screen!.width * screen!.height).toBeGreaterThan(2 * Math.max(...tiles));
      }
      await bob.page.click("#screen-button");
      for (const viewer of [ada, gus, bob]) await viewer.page.waitForSelector("#stage", { state: "hidden", timeout: 20_000 });

      // Again, stopped this time from the browser's own "stop sharing" bar, which ends the
      // captured track (headless Chromium has no bar: the test fires the track's "ended").
      await bob.page.click("#screen-button");
      await ada.page.waitForSelector(`#stage .screen-tile[data-peer-id="${bobId}"]`, { timeout: 20_000 });
      await bob.page.evaluate(() => {
        const record = (window as unknown as { __e2e: { pcs: RTCPeerConnection[] } }).__e2e;
        const senders = record.pcs.filter((pc) => pc.signalingState !== "closed").flatMap((pc) => pc.getSenders());
        const screen = senders.find((sender) => sender.track?.kind === "video" && sender.track.label.startsWith("screen"))!;
        screen.track!.dispatchEvent(new Event("ended"));
      });
      for (const viewer of [ada, gus, bob]) await viewer.page.waitForSelector("#stage", { state: "hidden", timeout: 20_000 });
      expect(await bob.page.getAttribute("#screen-button", "aria-pressed")).toBe("false");
      await Promise.all([ada, gus].map((viewer) => viewer.expectMedia({ Bob: { video: true } })));
      await expectNoProblems(everyone());
    },
    STEP_MS,
  );

  test(
    "chat reaches the others and is in neither the database files nor the logs",
    async () => {
      const secret = `pineapple-${crypto.randomUUID()}`;
      await ada.page.click("#chat-button");
      await ada.page.fill("#chat-input", `the code is ${secret}`);
      await ada.page.press("#chat-input", "Enter");
      for (const reader of [bob, gus]) {
        await reader.page.waitForSelector("#chat-badge:not([hidden])");
        expect(await reader.page.textContent("#chat-badge")).toBe("1");
        await reader.page.click("#chat-button");
        await reader.page.waitForSelector("#chat-log .chat-line");
        expect(await reader.page.textContent("#chat-log .chat-line .chat-meta b")).toBe("Ada");
        expect(await reader.page.textContent("#chat-log .chat-line .chat-text")).toBe(`the code is ${secret}`);
        await reader.page.click("#chat-panel [data-close-panel]");
      }
      await ada.page.waitForSelector("#chat-log .chat-line.mine");
      await ada.page.click("#chat-panel [data-close-panel]");
      t.db.exec("PRAGMA wal_checkpoint(PASSIVE)");
      const stored = databaseBytes();
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.includes(secret)).toBe(false);
      expect(stored.includes("the code is")).toBe(false);
      expect(t.logLines.some((line) => line.includes(secret))).toBe(false);
      await expectNoProblems(everyone());
    },
    STEP_MS,
  );

  test(
    "the owner mutes Bob: his mark shows it, he is told, and the server stops forwarding his microphone",
    async () => {
      const bobId = await ada.peerIdOf("Bob");
      await ada.page.click("#people-button");
      await ada.page.click(`#people-list [data-peer-id="${bobId}"] [data-owner-action="mute"]`);
      expect(await bob.waitForBanner("muted-by-owner")).toBe("The owner muted your microphone. Turn it on again when you want to speak.");
      expect(await bob.page.getAttribute("#mic-button", "aria-pressed")).toBe("false");
      for (const viewer of [ada, gus]) {
        const tile = viewer.page.locator(`#grid .tile[data-peer-id="${bobId}"]`);
        await viewer.page.waitForSelector(`#grid .tile[data-peer-id="${bobId}"][data-muted-by-owner="true"]`);
        expect(await tile.locator(".mark.muted").isVisible()).toBe(true);
        expect(await tile.locator(".mark.muted").getAttribute("title")).toBe("Muted by the owner");
      }
      // Bob's browser keeps sending (as a modified page could): the server must not forward it.
      await bob.page.evaluate(async () => {
        const record = (window as unknown as { __e2e: { pcs: RTCPeerConnection[] } }).__e2e;
        const publisher = record.pcs.find((pc) => pc.signalingState !== "closed" && pc.getTransceivers().some((tr) => tr.direction === "sendonly"))!;
        const sender = publisher.getTransceivers().find((tr) => tr.sender.track === null && tr.receiver.track.kind === "audio")!.sender;
        const [track] = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks();
        await sender.replaceTrack(track!);
      });
      await bob.expectOwnAudioSent();
      await Promise.all([ada, gus].map((viewer) => viewer.expectMedia({ Bob: { silentAudio: true, video: true } })));

      // Bob turns his microphone on again himself: he is heard again.
      await bob.page.click("#mic-button");
      await Promise.all([ada, gus].map((viewer) => viewer.expectMedia({ Bob: { audio: true } })));
      await ada.page.waitForSelector(`#grid .tile[data-peer-id="${bobId}"][data-muted="false"]`);
      await ada.page.click("#people-panel [data-close-panel]");
      await expectNoProblems(everyone());
    },
    STEP_MS,
  );

  test(
    "Gus turns his camera off and on: the others see the mark, then his video again",
    async () => {
      const gusId = await ada.peerIdOf("Gus");
      await gus.page.click("#camera-button");
      await gus.page.waitForSelector('#camera-button[aria-pressed="false"]');
      for (const viewer of [ada, bob]) {
        await viewer.page.waitForSelector(`#grid .tile[data-peer-id="${gusId}"][data-camera-off="true"]`, { state: "attached" });
        expect(await viewer.page.isVisible(`#grid .tile[data-peer-id="${gusId}"] .mark.camera-off`)).toBe(true);
        expect(await viewer.page.textContent(`#grid .tile[data-peer-id="${gusId}"] .avatar-initial`)).toBe("G");
      }
      await gus.page.click("#camera-button");
      await Promise.all([ada, bob].map((viewer) => viewer.expectMedia({ Gus: { video: true, audio: true } })));
      await ada.page.waitForSelector(`#grid .tile[data-peer-id="${gusId}"][data-camera-off="false"]`, { state: "attached" });
      await expectNoProblems(everyone());
    },
    STEP_MS,
  );

  test(
    "Gus's signaling connection drops without the server noticing: his page says reconnecting, then media flows again without a reload",
    async () => {
      const gusBefore = await ada.peerIdOf("Gus");
      const reconnecting = gus.page.waitForSelector('[data-banner="reconnecting"]:not([hidden])', { timeout: 20_000 });
      const cut = gusSockets.at(-1)!;
      // Only the page's side closes; the server keeps its end open, as after a lost network.
      cut.server.onClose(() => {});
      await cut.page.close({ code: 1001, reason: "network lost" });
      await reconnecting;
      expect(await gus.banner("reconnecting")).toBe("Connection lost. Reconnecting…");
      await gus.page.waitForSelector('[data-banner="reconnecting"]', { state: "hidden", timeout: 30_000 });
      expect(await gus.page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);
      await ada.page.waitForFunction((old) => {
        const tiles = [...document.querySelectorAll('#grid .tile:not([data-self="true"])')];
        return tiles.length === 2 && !tiles.some((tile) => tile.getAttribute("data-peer-id") === old);
      }, gusBefore);
      await ada.waitForTiles(["Bob", "Gus"]);
      await bob.waitForTiles(["Ada", "Gus"]);
      await allMedia(allThree());
      expect(t.hub.participantsOf(new URL(roomUrl).pathname.split("/")[2]!).sort()).toEqual(["Ada", "Bob", "Gus"]);
      await expectNoProblems(everyone());
    },
    STEP_MS,
  );

  test(
    "the owner removes Gus and locks the room: Gus is told, and neither he nor a newcomer gets back in",
    async () => {
      const gusId = await ada.peerIdOf("Gus");
      await ada.page.click("#people-button");
      await ada.page.click(`#people-list [data-peer-id="${gusId}"] [data-owner-action="remove"]`);
      expect(await gus.waitForBanner("removed")).toBe("The owner removed you from this call.");
      expect(await gus.page.getAttribute("#meeting", "data-phase")).toBe("over");
      await ada.waitForTiles(["Bob"]);
      await bob.waitForTiles(["Ada"]);

      await ada.page.click("#lock-button");
      await ada.page.waitForFunction(() => document.getElementById("lock-state")?.textContent === "The room is locked: newcomers cannot join.");
      await bob.page.waitForSelector('#meeting[data-locked="true"]', { state: "attached" });

      const nia = await MeetingPage.open(browser, "Nia");
      await nia.page.goto(roomUrl);
      await nia.page.fill("#guest-name", "Nia");
      await nia.page.click("#join-button");
      expect(await nia.waitForBanner("locked")).toBe("This room is locked: the owner is not letting anyone new in right now.");
      expect(await nia.page.isVisible('[data-banner="locked"] [data-action="rejoin"]')).toBe(true);

      await gus.page.goto(roomUrl);
      await gus.page.fill("#guest-name", "Gus");
      await gus.page.click("#join-button");
      expect(await gus.waitForBanner("locked")).toBe("This room is locked: the owner is not letting anyone new in right now.");
      await ada.waitForTiles(["Bob"]);
      await allMedia([
        [ada, ["Bob"]],
        [bob, ["Ada"]],
      ]);
      await expectNoProblems([...everyone(), nia]);
      await nia.close();
    },
    STEP_MS,
  );

  test(
    "unlocked again, Gus joins from a phone-sized screen by touch; when he closes the tab he is gone for the others",
    async () => {
      await ada.page.click("#lock-button");
      await ada.page.waitForFunction(() => document.getElementById("lock-state")?.textContent === "The room is open to anyone with the link.");
      await ada.page.click("#people-panel [data-close-panel]");
      await gus.close();
      gus = await MeetingPage.open(browser, "Gus", { phone: true });
      await gus.page.goto(roomUrl);
      await gus.page.fill("#guest-name", "Gus");
      await gus.page.tap("#join-button");
      await gus.page.waitForSelector('#meeting[data-phase="call"]', { state: "attached" });
      await gus.waitForTiles(["Ada", "Bob"]);
      await allMedia(allThree());
      const layout = await gus.page.evaluate(() => {
        const controls = [...document.querySelectorAll<HTMLElement>(".controls .control")].map((c) => c.getBoundingClientRect());
        return {
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          controlsInside: controls.every((r) => r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.width >= 40),
        };
      });
      expect(layout).toEqual({ overflow: 0, controlsInside: true });
      await gus.page.tap("#chat-button");
      expect(await gus.page.isVisible("#chat-input")).toBe(true);
      await expectNoProblems(everyone());

      await gus.close();
      await ada.waitForTiles(["Bob"], 10_000);
      await bob.waitForTiles(["Ada"], 10_000);
    },
    STEP_MS,
  );

  test(
    "the owner ends the call for everyone; a deleted room's link says so",
    async () => {
      await ada.page.click("#people-button");
      await ada.page.click("#end-button");
      expect(await bob.waitForBanner("ended")).toBe("The call has ended.");
      expect(await ada.waitForBanner("ended")).toBe("The call has ended.");
      // The chat of the call is gone from the page with it.
      expect(await bob.page.locator("#chat-log .chat-line").count()).toBe(0);
      await expectNoProblems([ada, bob]);

      await ada.page.goto(`${base}/dashboard`);
      await ada.page.click("#rooms li.room form.delete-room button");
      await ada.page.waitForSelector("#rooms li.room", { state: "detached" });
      const answer = await bob.page.goto(roomUrl);
      expect(answer!.status()).toBe(404);
      expect(await bob.page.textContent("main")).toContain("not found");
    },
    STEP_MS,
  );

  test(
    "a browser that cannot do WebRTC is told so before joining",
    async () => {
      await ada.page.fill('#rooms input[name="name"]', "Later");
      await ada.page.click('#rooms button[type="submit"]');
      await ada.page.waitForSelector("#rooms li.room");
      const laterUrl = base + (await ada.page.getAttribute("#rooms li.room a.room-name", "href"));
      const old = await MeetingPage.open(browser, "Old browser");
      await old.context.addInitScript({ content: "delete window.RTCPeerConnection;" });
      await old.page.goto(laterUrl);
      await old.page.waitForSelector("[data-unsupported]:not([hidden])");
      expect(await old.page.textContent("[data-unsupported] h2")).toBe("This browser cannot join calls");
      expect(await old.page.isVisible("#join-button")).toBe(false);
      await expectNoProblems([old, ada]);
      await old.close();
    },
    STEP_MS,
  );
});
