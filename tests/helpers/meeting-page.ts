import { expect } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";

/**
 * Test-side instruments for the meeting page in real Chromium. Nothing here is in the
 * product: an init script records every RTCPeerConnection and WebSocket the page creates
 * (and CSP violations), and the test reads getStats from those connections itself, so the
 * figures do not depend on the page's own bookkeeping being right.
 */
const INSTRUMENT = `(() => {
  const record = { pcs: [], sockets: [], streamOfTrack: {}, csp: [] };
  Object.defineProperty(window, "__e2e", { value: record });
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(...args) {
      super(...args);
      record.pcs.push(this);
      this.addEventListener("track", (event) => {
        record.streamOfTrack[event.track.id] = event.streams[0] ? event.streams[0].id : "";
      });
    }
  };
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(...args) {
      super(...args);
      record.sockets.push(this);
    }
  };
  document.addEventListener("securitypolicyviolation", (event) => {
    record.csp.push(event.violatedDirective + " " + event.blockedURI);
  });
})();`;

/** What one page decodes and receives from one remote participant, as getStats says. */
export interface RemoteMedia {
  peerId: string;
  name: string;
  /** The stream id (msid) of the tile's video track: the SFU names it after the publisher. */
  videoStream: string;
  framesDecoded: number;
  audioPackets: number;
  /** Frames decoded of this participant's screen share on the stage (0: none shown). */
  screenFrames: number;
}

/** One participant's browser context and page, with the problems it logged. */
export class MeetingPage {
  readonly problems: string[] = [];

  private constructor(
    readonly label: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on("pageerror", (error) => this.problems.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") this.problems.push(`console: ${message.text()}`);
    });
    // The owner's remove and end buttons ask first; a person would say yes.
    page.on("dialog", (dialog) => void dialog.accept());
  }

  /** A fresh context (its own cookies and storage, desktop or phone) with the instruments installed. */
  static async open(browser: Browser, label: string, options: { phone?: boolean } = {}): Promise<MeetingPage> {
    const context = await browser.newContext(
      options.phone
        ? { locale: "en-US", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }
        : { locale: "en-US", viewport: { width: 1280, height: 800 } },
    );
    await context.addInitScript({ content: INSTRUMENT });
    const page = await context.newPage();
    return new MeetingPage(label, context, page);
  }

  /** Logs in through the dev login form. */
  async devLogin(base: string, name: string): Promise<void> {
    await this.page.goto(`${base}/login`);
    await this.page.fill('input[name="name"]', name);
    await this.page.click('form[action="/auth/dev"] button[type="submit"]');
    await this.page.waitForURL(`${base}/dashboard`);
  }

  /** Opens a room link and joins (as a guest when a name is given); waits for the call. */
  async join(url: string, guestName?: string): Promise<void> {
    await this.page.goto(url);
    await this.page.waitForSelector("#join-button:not([disabled])");
    if (guestName !== undefined) await this.page.fill("#guest-name", guestName);
    await this.page.click("#join-button");
    await this.page.waitForSelector('#meeting[data-phase="call"]', { state: "attached" });
  }

  /** Waits until the grid shows exactly these others (sorted names), and returns them. */
  async waitForTiles(names: string[], timeoutMs = 20_000): Promise<void> {
    const wanted = [...names].sort();
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await this.tileNames();
      if (JSON.stringify(seen) === JSON.stringify(wanted)) return;
      await Bun.sleep(200);
    }
    throw new Error(`${this.label}: tiles ${JSON.stringify(seen)}, wanted ${JSON.stringify(wanted)}`);
  }

  /** Waits until this page's own microphone packets leave the browser (outbound audio rising). */
  async expectOwnAudioSent(timeoutMs = 15_000): Promise<void> {
    const sent = () =>
      this.page.evaluate(async () => {
        const record = (window as unknown as { __e2e: { pcs: RTCPeerConnection[] } }).__e2e;
        let packets = 0;
        for (const pc of record.pcs) {
          if (pc.signalingState === "closed") continue;
          (await pc.getStats()).forEach((stat: { type: string; kind?: string; packetsSent?: number }) => {
            if (stat.type === "outbound-rtp" && stat.kind === "audio") packets += stat.packetsSent ?? 0;
          });
        }
        return packets;
      });
    const deadline = Date.now() + timeoutMs;
    let before = await sent();
    while (Date.now() < deadline) {
      await Bun.sleep(500);
      const after = await sent();
      if (after > before) return;
      before = after;
    }
    throw new Error(`${this.label}: no microphone packets leave the browser`);
  }

  /** Names on the remote tiles of the grid, sorted. */
  async tileNames(): Promise<string[]> {
    const names = await this.page.$$eval('#grid .tile:not([data-self="true"]) .name', (els) => els.map((el) => el.textContent ?? ""));
    return names.sort();
  }

  /** The peer id of a remote tile by the name it shows. */
  async peerIdOf(name: string): Promise<string> {
    const id = await this.page.$$eval(
      '#grid .tile:not([data-self="true"])',
      (tiles, wanted) => tiles.find((tile) => tile.querySelector(".name")?.textContent === wanted)?.getAttribute("data-peer-id") ?? "",
      name,
    );
    if (!id) throw new Error(`${this.label}: no tile named ${name}`);
    return id;
  }

  /** Our own peer id (the self tile). */
  async ownPeerId(): Promise<string> {
    return (await this.page.getAttribute('#grid .tile[data-self="true"]', "data-peer-id")) ?? "";
  }

  /** Per remote tile: getStats of the very tracks the tile and the stage show. */
  remoteMedia(): Promise<RemoteMedia[]> {
    return this.page.evaluate(async () => {
      const record = (window as unknown as { __e2e: { pcs: RTCPeerConnection[]; streamOfTrack: Record<string, string> } }).__e2e;
      const inbound = new Map<string, { framesDecoded?: number; packetsReceived?: number }>();
      for (const pc of record.pcs) {
        if (pc.signalingState === "closed") continue;
        const report = await pc.getStats();
        report.forEach((stat: { type: string; trackIdentifier?: string; framesDecoded?: number; packetsReceived?: number }) => {
          if (stat.type === "inbound-rtp" && stat.trackIdentifier) inbound.set(stat.trackIdentifier, stat);
        });
      }
      const trackOf = (media: HTMLMediaElement | null, kind: "audio" | "video") => {
        const stream = media?.srcObject as MediaStream | null;
        return (kind === "audio" ? stream?.getAudioTracks() : stream?.getVideoTracks())?.[0] ?? null;
      };
      const tiles = [...document.querySelectorAll<HTMLElement>('#grid .tile:not([data-self="true"])')];
      return tiles.map((tile) => {
        const peerId = tile.dataset.peerId ?? "";
        const video = trackOf(tile.querySelector("video"), "video");
        let audioPackets = 0;
        for (const audio of tile.querySelectorAll("audio")) {
          const track = trackOf(audio, "audio");
          if (track) audioPackets += inbound.get(track.id)?.packetsReceived ?? 0;
        }
        const screen = trackOf(document.querySelector<HTMLVideoElement>(`#stage .screen-tile[data-peer-id="${peerId}"] video`), "video");
        return {
          peerId,
          name: tile.querySelector(".name")?.textContent ?? "",
          videoStream: video ? (record.streamOfTrack[video.id] ?? "") : "",
          framesDecoded: video ? (inbound.get(video.id)?.framesDecoded ?? 0) : 0,
          audioPackets,
          screenFrames: screen ? (inbound.get(screen.id)?.framesDecoded ?? 0) : 0,
        };
      });
    });
  }

  /**
   * Waits until, for every named participant, each wanted counter rose between two samples
   * (and stays within `still` for those that must not rise). Returns the last sample.
   */
  async expectMedia(
    want: Record<string, { video?: boolean; audio?: boolean; screen?: boolean; silentAudio?: boolean }>,
    timeoutMs = 30_000,
  ): Promise<RemoteMedia[]> {
    const deadline = Date.now() + timeoutMs;
    let before = await this.remoteMedia();
    let problem = "";
    while (Date.now() < deadline) {
      await Bun.sleep(1_000);
      const after = await this.remoteMedia();
      problem = "";
      for (const [name, wanted] of Object.entries(want)) {
        const now = after.find((m) => m.name === name);
        const then = before.find((m) => m.name === name);
        if (!now || !then || now.peerId !== then.peerId) {
          problem = `${this.label}: no stable tile for ${name}`;
          break;
        }
        if (wanted.video && !(now.framesDecoded > then.framesDecoded)) problem = `${this.label}: ${name}'s video frames ${then.framesDecoded} -> ${now.framesDecoded}`;
        if (wanted.video && now.videoStream !== now.peerId) problem = `${this.label}: ${name}'s tile shows stream ${now.videoStream}, not ${now.peerId}`;
        if (wanted.audio && !(now.audioPackets > then.audioPackets)) problem = `${this.label}: ${name}'s audio packets ${then.audioPackets} -> ${now.audioPackets}`;
        if (wanted.screen && !(now.screenFrames > then.screenFrames)) problem = `${this.label}: ${name}'s screen frames ${then.screenFrames} -> ${now.screenFrames}`;
        if (wanted.silentAudio && now.audioPackets !== then.audioPackets) problem = `${this.label}: ${name}'s audio still arrives (${then.audioPackets} -> ${now.audioPackets})`;
        if (problem) break;
      }
      if (!problem) return after;
      before = after;
    }
    throw new Error(`${problem}\n${await this.diagnose()}`);
  }

  /** Every inbound stream and every media element, for a failure message. */
  diagnose(): Promise<string> {
    return this.page.evaluate(async () => {
      const record = (window as unknown as { __e2e: { pcs: RTCPeerConnection[]; streamOfTrack: Record<string, string> } }).__e2e;
      const lines: string[] = [];
      for (const [i, pc] of record.pcs.entries()) {
        lines.push(`pc${i} ${pc.signalingState} ${pc.connectionState} transceivers=${pc.getTransceivers().map((t) => `${t.mid}:${t.receiver.track.kind}:${t.currentDirection}`).join(",")}`);
        if (pc.signalingState === "closed") continue;
        (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
          if (stat.type === "transport") lines.push(`  transport selected=${stat.selectedCandidatePairId} dtls=${stat.dtlsState}`);
          if (stat.type === "inbound-rtp" || stat.type === "outbound-rtp")
            lines.push(`  ${stat.type} ${stat.kind} mid=${stat.mid} track=${stat.trackIdentifier ?? ""} pkts=${stat.packetsReceived ?? stat.packetsSent} frames=${stat.framesDecoded ?? stat.framesEncoded ?? ""}`);
        });
      }
      for (const el of document.querySelectorAll<HTMLMediaElement>("#grid audio, #grid video, #stage video")) {
        const track = (el.srcObject as MediaStream | null)?.getTracks()[0];
        lines.push(`${el.tagName} in ${el.closest("[data-peer-id]")?.getAttribute("data-peer-id")} track=${track?.id ?? "none"} ${track?.readyState ?? ""} stream=${track ? record.streamOfTrack[track.id] : ""}`);
      }
      return lines.join("\n");
    });
  }

  /** Whether a banner is shown, and its text. */
  async banner(name: string): Promise<string | null> {
    const banner = this.page.locator(`[data-banner="${name}"]`);
    if (await banner.isHidden()) return null;
    return ((await banner.locator("[data-banner-text]").textContent()) ?? "").trim();
  }

  /** Waits for a banner to show and returns its text. */
  async waitForBanner(name: string, timeoutMs = 20_000): Promise<string> {
    await this.page.waitForSelector(`[data-banner="${name}"]:not([hidden])`, { timeout: timeoutMs });
    return (await this.banner(name)) ?? "";
  }

  /** Problems that fail a test: page errors, console errors, CSP violations. */
  async failures(ignore: RegExp[] = []): Promise<string[]> {
    const csp = this.page.isClosed() ? [] : await this.page.evaluate(() => (window as unknown as { __e2e: { csp: string[] } }).__e2e.csp);
    return [...this.problems, ...csp.map((c) => `csp: ${c}`)].filter((p) => !ignore.some((re) => re.test(p)));
  }

  /** Closes the context. */
  close(): Promise<void> {
    return this.context.close();
  }
}

/** Expects every page to have logged no problems. */
export async function expectNoProblems(pages: MeetingPage[], ignore: RegExp[] = []): Promise<void> {
  const all: string[] = [];
  for (const page of pages) for (const problem of await page.failures(ignore)) all.push(`${page.label}: ${problem}`);
  expect(all).toEqual([]);
}
