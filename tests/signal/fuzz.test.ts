/**
 * Signaling fuzz over a real WebSocket: more than 10,000 random and mutated messages from
 * owner, members, guests and sockets that never joined, each checked against the answer the
 * protocol promises; then floods that trip the rate limit; then proof that the room works.
 * Replay a failure with the seed it prints: FUZZ_SEED=<n> bun test tests/signal/fuzz.test.ts
 */

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { ServerMessage } from "../../src/signal/protocol.ts";
import { CallHarness } from "../helpers/call.ts";
import { answerNextOffer, midIn, publishOver, SyntheticSubscriber } from "../helpers/media-peer.ts";
import type { TestClient } from "../helpers/server.ts";
import type { SignalClient } from "../helpers/signal-client.ts";
import { waitUntil } from "../sfu/helpers/harness.ts";
import { nextCase, Rng, type FuzzCase, type SocketState } from "./fuzz-cases.ts";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
const CASES_WANTED = 10_000;
/** Cases per exchange, each exchange closed by a ping whose pong proves all answers arrived. */
const BATCH = 10;
/** The server allows 50 messages/s and a burst of 100 per socket; we stay safely under both. */
const RATE = 45;
const BURST = 95;

// A loaded machine is slow; bun ignores bunfig's timeout.
setDefaultTimeout(60_000);

let h: CallHarness;
let roomId: string;
let owner: SignalClient;
let ownerPeerId: string;
const people = new Map<string, TestClient>();
const guests: string[] = [];
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);
let casesSent = 0;
/** Set when one fuzzing socket failed: the others stop at their next exchange. */
let stopped = false;

/** Runs a test body; any failure names the seed that replays it. */
function seeded(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      const problem = error as Error;
      problem.message = `[fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED}] ${problem.message}`;
      throw problem;
    }
  };
}

/** A token bucket a little stricter than the server's, so paced sockets are never refused. */
class Pace {
  private tokens = BURST;
  private at = performance.now();

  async take(n: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(BURST, this.tokens + ((now - this.at) / 1000) * RATE);
      this.at = now;
      if (this.tokens >= n) {
        this.tokens -= n;
        return;
      }
      await Bun.sleep(Math.ceil(((n - this.tokens) / RATE) * 1000));
    }
  }
}

/** One fuzzed socket: sends cases, reads the answers up to the closing pong, checks them. */
class Fuzzed {
  private cursor = 0;
  private wake: (() => void) | null = null;

  constructor(
    readonly client: SignalClient,
    readonly state: SocketState,
    readonly name: string,
  ) {
    client.socket.addEventListener("message", () => this.wake?.());
    client.socket.addEventListener("close", () => this.wake?.());
  }

  /** Sends `cases` and a ping; fails unless the answers are exactly what the cases expect. */
  async exchange(cases: FuzzCase[]): Promise<void> {
    for (const c of cases) this.client.socket.send(c.frame);
    this.client.send({ type: "ping" });
    casesSent += cases.length;
    const pongs = cases.filter((c) => c.expect.kind === "pong").length + 1;
    const answers = await this.until(pongs, cases);
    const labels = () => cases.map((c) => c.label).join(" | ");
    const errors = answers.filter((m): m is Extract<ServerMessage, { type: "error" }> => m.type === "error");
    const wanted = cases.flatMap((c) => (c.expect.kind === "error" ? [c.expect.code] : [])).sort();
    const got = errors.map((e) => e.code).sort();
    if (JSON.stringify(got) !== JSON.stringify(wanted)) {
      throw new Error(`${this.name}: errors ${JSON.stringify(got)}, wanted ${JSON.stringify(wanted)} for: ${labels()}`);
    }
    for (const e of errors) {
      if (!e.message || e.message.length > 300) throw new Error(`${this.name}: unclear error message ${JSON.stringify(e.message.slice(0, 400))}`);
    }
    const welcomes = answers.filter((m): m is Extract<ServerMessage, { type: "welcome" }> => m.type === "welcome");
    if (welcomes.length !== cases.filter((c) => c.expect.kind === "welcome").length) {
      throw new Error(`${this.name}: ${welcomes.length} welcome(s) for: ${labels()}`);
    }
    if (welcomes.length > 0) this.state.peerId = welcomes[welcomes.length - 1]!.you.peerId;
  }

  /** Sends one frame over the size limit; the socket must close with 1009. */
  async oversize(c: FuzzCase): Promise<void> {
    this.client.socket.send(c.frame);
    casesSent++;
    const closed = await Promise.race([this.client.closed, Bun.sleep(10_000).then(() => null)]);
    if (closed?.code !== 1009) throw new Error(`${this.name}: ${c.label} closed with ${closed?.code ?? "nothing"}, not 1009`);
  }

  private async until(pongs: number, cases: FuzzCase[]): Promise<ServerMessage[]> {
    // Generous: a loaded machine is slow, but no answer at all is never right.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const received = this.client.received;
      let seen = 0;
      for (let i = this.cursor; i < received.length; i++) {
        if (received[i]!.type === "pong" && ++seen === pongs) {
          const answers = received.slice(this.cursor, i + 1);
          this.cursor = i + 1;
          return answers;
        }
      }
      const what = () =>
        `${this.name}: after ${cases.map((c) => c.label).join(" | ")}: got ${JSON.stringify(
          received.slice(this.cursor).flatMap((m) => (m.type === "error" ? [m.code] : m.type === "pong" || m.type === "welcome" ? [m.type] : [])),
        )}`;
      if (this.client.socket.readyState >= WebSocket.CLOSING) throw new Error(`socket closed unexpectedly; ${what()}`);
      if (Date.now() > deadline) throw new Error(`no answer within 30 s (${this.client.socket.bufferedAmount} bytes unsent); ${what()}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }
}

/** A socket that lives through the whole fuzz, paced under the rate limit. */
async function steady(client: SignalClient, state: SocketState, name: string, seed: number, quota: number): Promise<void> {
  const rng = new Rng(seed);
  const fuzzed = new Fuzzed(client, state, name);
  const pace = new Pace();
  for (let sent = 0; sent < quota && !stopped; sent += BATCH) {
    await pace.take(BATCH + 1);
    await fuzzed.exchange(Array.from({ length: BATCH }, () => nextCase(rng, state)));
  }
}

/** Short-lived sockets one after another, each spending its burst, then closing. */
async function recycling(who: TestClient | { guest: string }, member: boolean, name: string, seed: number, quota: number): Promise<void> {
  const rng = new Rng(seed);
  let sent = 0;
  while (sent < quota && !stopped) {
    const client = await h.socket(roomId, who);
    const state: SocketState = { joined: false, owner: false, peerId: null, mayJoin: member, mayClose: true };
    let budget = BURST;
    if (member) {
      state.peerId = (await client.join()).you.peerId;
      state.joined = true;
      budget--;
    }
    const fuzzed = new Fuzzed(client, state, `${name} (socket ${sent})`);
    let open = true;
    while (open && budget > BATCH && sent < quota && !stopped) {
      const batch: FuzzCase[] = [];
      let over: FuzzCase | null = null;
      while (batch.length < BATCH && !over) {
        const c = nextCase(rng, state);
        if (c.expect.kind === "close") over = c;
        else batch.push(c);
      }
      if (batch.length > 0) await fuzzed.exchange(batch);
      budget -= batch.length + 1;
      sent += batch.length;
      if (over) {
        await fuzzed.oversize(over);
        sent++;
        open = false;
      }
    }
    client.close();
    await client.closed;
  }
}

/** Runs the workers side by side; the first failure stops the rest, and is thrown once all have stopped. */
async function together(workers: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(workers.map((w) => w.catch((error) => ((stopped = true), Promise.reject(error)))));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}

beforeAll(async () => {
  process.on("unhandledRejection", onCrash);
  process.on("uncaughtException", onCrash);
  h = await CallHarness.start();
  for (const name of ["Ada", "Grace", "Linus", "Barbara", "Edsger", "Alan"]) people.set(name, await h.person(name));
  // Seven people in one call: more than the free plan allows.
  roomId = await h.room(await h.onPlan(people.get("Ada")!, "pro"));
  guests.push(await h.guestToken(roomId, "Guest One"), await h.guestToken(roomId, "Guest Two"));
  owner = await h.socket(roomId, people.get("Ada")!);
  ownerPeerId = (await owner.join()).you.peerId;
});

afterAll(() => {
  process.off("unhandledRejection", onCrash);
  process.off("uncaughtException", onCrash);
  h?.close();
});

describe("signaling fuzz", () => {
  test(`${CASES_WANTED}+ random and mutated messages each get the promised answer`, seeded(async () => {
    const grace = await h.socket(roomId, people.get("Grace")!);
    await grace.join();
    const guest = await h.socket(roomId, { guest: guests[0]! });
    await guest.join();
    // Every identity has been in the call before the owner may lock it, so rejoins are let in.
    for (const name of ["Linus", "Barbara", "Edsger", "Alan"]) {
      const once = await h.socket(roomId, people.get(name)!);
      await once.join();
      once.close();
    }
    const second = await h.socket(roomId, { guest: guests[1]! });
    await second.join();
    second.close();
    const joined = (peerId: string | null, isOwner = false): SocketState => ({ joined: true, owner: isOwner, peerId, mayJoin: false, mayClose: false });
    const linus = people.get("Linus")!;
    const barbara = people.get("Barbara")!;
    const edsger = people.get("Edsger")!;
    await together([
      steady(owner, joined(ownerPeerId, true), "owner Ada", SEED, 250),
      steady(grace, joined(null), "member Grace", SEED + 1, 250),
      steady(guest, joined(null), "guest One", SEED + 2, 250),
      recycling(linus, true, "member Linus", SEED + 3, 1000),
      recycling(barbara, true, "member Barbara", SEED + 4, 1000),
      recycling(edsger, true, "member Edsger", SEED + 5, 1000),
      recycling({ guest: guests[1]! }, true, "guest Two", SEED + 6, 1000),
      // One socket per person in the call: a second join by the same person replaces the first (4004).
      recycling(people.get("Alan")!, true, "member Alan", SEED + 7, 1000),
      recycling(linus, false, "lobby Linus", SEED + 8, 1100),
      recycling(barbara, false, "lobby Barbara", SEED + 9, 1100),
      recycling({ guest: guests[0]! }, false, "lobby guest One", SEED + 10, 1100),
      recycling({ guest: guests[1]! }, false, "lobby guest Two", SEED + 11, 1100),
    ]);
    expect(casesSent).toBeGreaterThanOrEqual(CASES_WANTED);
    // The recycled sockets are gone; the three steady ones are still in the call.
    await waitUntil(() => h.t.hub.stats().participants === 3, "only the steady participants remain", 10_000);
    expect(h.t.hub.participantsOf(roomId).sort()).toEqual(["Ada", "Grace", "Guest One"]);
    grace.close();
    guest.close();
    await waitUntil(() => h.t.hub.stats().participants === 1, "only the owner remains", 10_000);
  }));

  test("a burst past the limit answers one rate error and recovers; a sustained flood closes with 4029", seeded(async () => {
    owner.send({ type: "lock", locked: false });
    await owner.next("room-locked", 10_000, (m) => !m.locked);
    const burst = await h.socket(roomId, people.get("Barbara")!);
    for (let i = 0; i < 140; i++) burst.send({ type: "ping" });
    await waitUntil(() => burst.received.some((m) => m.type === "error"), "the rate error");
    await Bun.sleep(200);
    const pongs = burst.received.filter((m) => m.type === "pong").length;
    expect(pongs).toBeGreaterThanOrEqual(100);
    expect(pongs).toBeLessThan(140);
    expect(burst.received.filter((m) => m.type === "error")).toEqual([
      { type: "error", code: "protocol.rate_limited", message: "Too many messages; slow down." },
    ]);
    await Bun.sleep(1100);
    burst.received.length = 0;
    await burst.barrier();
    expect(burst.socket.readyState).toBe(WebSocket.OPEN);

    const flooder = await h.socket(roomId, people.get("Edsger")!);
    const { you } = await flooder.join();
    for (let i = 0; i < 800; i++) flooder.send({ type: "chat", text: `flood ${i}` });
    expect((await flooder.closed).code).toBe(4029);
    expect(await owner.next("participant-left", 10_000, (m) => m.peerId === you.peerId)).toMatchObject({ reason: "disconnected" });
    // Only what the bucket allowed was relayed; the rest was dropped, not queued.
    const relayed = owner.received.filter((m) => m.type === "chat" && m.text.startsWith("flood ")).length;
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThanOrEqual(110);
    burst.close();
    await waitUntil(() => h.t.hub.stats().participants === 1, "only the owner remains", 10_000);
  }));

  test("afterwards the room still works: fresh people join, see each other, talk, publish, leave; nothing crashed", seeded(async () => {
    owner.received.length = 0;
    const margaret = await h.person("Margaret");
    const m = await h.socket(roomId, margaret);
    const mw = await m.join();
    expect(mw.participants.map((p) => p.name)).toEqual(["Ada"]);
    expect(mw.room.locked).toBe(false);
    const v = await h.socket(roomId, { guest: await h.guestToken(roomId, "Visitor") });
    const vw = await v.join();
    expect(vw.participants.map((p) => p.name).sort()).toEqual(["Ada", "Margaret"]);
    expect((await owner.next("participant-joined")).participant.name).toBe("Margaret");
    expect((await owner.next("participant-joined")).participant.name).toBe("Visitor");
    expect((await m.next("participant-joined")).participant).toMatchObject({ peerId: vw.you.peerId, role: "guest" });

    v.send({ type: "chat", text: "after the storm" });
    for (const s of [owner, m, v]) expect(await s.next("chat")).toMatchObject({ from: vw.you.peerId, name: "Visitor", text: "after the storm" });

    const publisher = await publishOver(m);
    publisher.start();
    const subscriber = new SyntheticSubscriber();
    try {
      const offer = await answerNextOffer(v, subscriber, (o) => o.tracks.length === 2);
      const video = midIn(offer, mw.you.peerId, "camera");
      await waitUntil(() => subscriber.packets(video) > 10, "Margaret's video reaches the visitor");
      m.send({ type: "leave" });
      for (const s of [owner, v]) expect(await s.next("participant-left")).toMatchObject({ peerId: mw.you.peerId, reason: "left" });
      await v.next("subscribe-offer", 10_000, (o) => o.tracks.length === 0);
    } finally {
      await publisher.close();
      await subscriber.close();
    }
    expect(h.t.hub.participantsOf(roomId).sort()).toEqual(["Ada", "Visitor"]);
    expect(h.t.hub.stats()).toEqual({ calls: 1, participants: 2 });
    expect((await people.get("Ada")!.get("/dashboard")).text).toContain("Live now: Ada, Visitor");

    for (const s of [owner, m, v]) s.close();
    await waitUntil(() => h.t.hub.stats().calls === 0, "the call ends when the last one leaves", 10_000);
    expect(crashes).toEqual([]);
    const failures = h.t.logLines.filter((line) => JSON.parse(line).level === "error");
    expect(failures).toEqual([]);
  }));
});
