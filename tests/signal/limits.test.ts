import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { PARTICIPANTS_HARD_CAP, monthOf, participantsLimit } from "../../src/plans/limits.ts";
import { admin } from "../helpers/admin.ts";
import { CallHarness, cookieHeader } from "../helpers/call.ts";
import type { TestClient } from "../helpers/server.ts";

// Each test starts real processes (youmeet admin); a loaded machine needs far more than the default 5 s.
setDefaultTimeout(60_000);

let h: CallHarness;
afterEach(() => h?.close());
const MINUTE = 60_000;
const media = { audio: true, video: true, screen: false };

async function youmeetIdOf(client: TestClient): Promise<string> {
  return (await client.get("/api/v1/me")).json().youmeetId;
}
const idOf = (client: TestClient) => h.accountId(client);
/** Changes the free plan's limits the way `youmeet admin plans set` does. */
function setFree(changes: Partial<{ maxRooms: number | null; maxParticipants: number | null; monthlyMinutes: number | null; screenShare: boolean }>) {
  const free = h.t.stores.plans.find("free")!;
  h.t.stores.plans.update("free", { ...free, ...changes }, h.t.clock.now);
}
/** Opens a socket for `who` and joins the room's call. */
async function inCall(roomId: string, who: TestClient | { guest: string }) {
  const socket = await h.socket(roomId, who);
  return { socket, welcome: await socket.join() };
}
/** The owner and a guest in the owner's room, both joined. */
async function callOfTwo() {
  const ada = await h.person("Ada");
  const roomId = await h.room(ada);
  const owner = await h.socket(roomId, ada);
  await owner.join();
  const guest = await h.socket(roomId, { guest: await h.guestToken(roomId, "Visitor") });
  await guest.join();
  await owner.next("participant-joined");
  return { ada, roomId, owner, guest };
}

describe("the room owner's plan in a call", () => {
  test("a call is as big as the owner's plan allows: the next one is refused with a sentence naming the plan and the limit", async () => {
    h = await CallHarness.start();
    setFree({ maxParticipants: 2 });
    const { roomId, ada } = await callOfTwo();
    const third = await h.socket(roomId, await h.person("Grace"));
    third.send({ type: "join", v: 1, media });
    expect(await third.next("error")).toEqual({
      type: "error",
      code: "plan.participants_limit",
      message: "This call is full: the room owner's plan (free) allows 2 people in a call.",
      // The values of the sentence, so the page can say it in its own language.
      vars: { plan: "free", max: 2 },
    });
    expect((await third.closed).code).toBe(4003);
    expect(h.t.hub.participantsOf(roomId)).toEqual(["Ada", "Visitor"]);

    // On pro (25 people) the same person gets in.
    h.t.stores.plans.setAccountPlan(await idOf(ada), "pro");
    const again = await h.socket(roomId, await h.person("Grace"));
    await again.join();
  });

  test("the server's hard cap holds whatever a plan says", () => {
    const plan = { name: "huge", maxRooms: null, maxParticipants: 500, monthlyMinutes: null, screenShare: true, updatedAt: 0 };
    expect(participantsLimit(plan)).toBe(PARTICIPANTS_HARD_CAP);
    expect(participantsLimit({ ...plan, maxParticipants: null })).toBe(PARTICIPANTS_HARD_CAP);
    expect(participantsLimit({ ...plan, maxParticipants: 4 })).toBe(4);
  });

  test("screen sharing is refused when the owner's plan does not include it; the welcome says so and other media still work", async () => {
    h = await CallHarness.start();
    setFree({ screenShare: false });
    const ada = await h.person("Ada");
    const roomId = await h.room(ada);
    const owner = await h.socket(roomId, ada);
    expect((await owner.join()).room.screenShare).toBe(false);
    const grace = await h.socket(roomId, await h.person("Grace"));
    await grace.join();
    const refusal = {
      type: "error" as const,
      code: "plan.screen_share_not_allowed",
      message: "Screen sharing is not part of the room owner's plan (free); the owner can ask the operator for a plan with it.",
      vars: { plan: "free" },
    };

    grace.send({ type: "media-state", media: { audio: true, video: true, screen: true } });
    expect(await grace.next("error")).toEqual(refusal);
    const offer = (direction: string) =>
      `v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=${direction}\r\na=rtpmap:96 VP8/90000\r\n`;
    grace.send({ type: "publish-offer", sdp: offer("sendonly"), sources: { "0": "screen" } });
    expect(await grace.next("error")).toEqual(refusal);
    // A screen m-line left inactive after a stopped share is not a share.
    grace.send({ type: "publish-offer", sdp: offer("inactive"), sources: { "0": "screen" } });
    expect((await grace.next("error")).code).not.toStartWith("plan.");
    // Nobody saw a screen mark, and the call goes on.
    grace.send({ type: "media-state", media: { audio: false, video: true, screen: false } });
    expect((await owner.next("participant-updated")).participant.media).toEqual({ audio: false, video: true, screen: false });
  });
});

describe("call minutes", () => {
  test("counted only with two or more people, written at least once a minute, charged to the owner's month", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const adaId = await idOf(ada);
    const roomId = await h.room(ada);
    const owner = await h.socket(roomId, ada);
    await owner.join();
    h.t.clock.now += 30 * MINUTE;
    h.t.hub.tick();
    expect(h.t.stores.plans.callSeconds(adaId, monthOf(h.t.clock.now))).toBe(0);

    const guest = await h.socket(roomId, { guest: await h.guestToken(roomId, "Visitor") });
    await guest.join();
    h.t.clock.now += 90_000;
    h.t.hub.tick();
    expect(h.t.stores.plans.callSeconds(adaId, monthOf(h.t.clock.now))).toBe(90);
    h.t.clock.now += 30_000;
    guest.send({ type: "leave" });
    await owner.next("participant-left");
    // Leaving (down to one person) writes at once.
    expect(h.t.stores.plans.callSeconds(adaId, monthOf(h.t.clock.now))).toBe(120);
    expect((await ada.get("/api/v1/me/usage")).json().minutes).toEqual({ used: 2, limit: 600 });
  });

  test("a call over the end of a month is charged to both months", async () => {
    h = await CallHarness.start();
    h.t.clock.now = Date.UTC(2026, 11, 31, 23, 59, 0);
    const { ada } = await callOfTwo();
    h.t.clock.now += 2 * MINUTE;
    h.t.hub.tick();
    const id = await idOf(ada);
    expect([h.t.stores.plans.callSeconds(id, "2026-12"), h.t.stores.plans.callSeconds(id, "2027-01")]).toEqual([60, 60]);
  });

  test("everyone is warned 5 minutes before the owner's minutes run out, and the call ends when they have, with the reason", async () => {
    h = await CallHarness.start();
    setFree({ monthlyMinutes: 10 });
    const { ada, roomId, owner, guest } = await callOfTwo();
    h.t.clock.now += 4 * MINUTE;
    h.t.hub.tick();
    h.t.clock.now += 90_000;
    h.t.hub.tick();
    const warning = {
      type: "limit-warning" as const,
      code: "plan.minutes_low" as const,
      minutesLeft: 5,
      message:
        "5 minutes of call time left: the room owner's plan (free) allows 10 call minutes a month; the call ends when they are used up.",
      vars: { minutes: 5, plan: "free" },
    };
    for (const s of [owner, guest]) expect(await s.next("limit-warning")).toEqual(warning);
    h.t.clock.now += 2 * MINUTE;
    h.t.hub.tick();
    expect(owner.received.some((m) => m.type === "limit-warning")).toBe(false);

    h.t.clock.now += 3 * MINUTE;
    h.t.hub.tick();
    const reset = new Date(Date.UTC(new Date(h.t.clock.now).getUTCFullYear(), new Date(h.t.clock.now).getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    for (const s of [owner, guest]) {
      expect(await s.next("call-ended")).toEqual({
        type: "call-ended",
        reason: "out-of-minutes",
        message: `The call ended: the room owner's plan (free) allows 10 call minutes a month, and they are used up until ${reset}.`,
      });
      expect((await s.closed).code).toBe(4002);
    }
    expect(h.t.stores.plans.callSeconds(await idOf(ada), monthOf(h.t.clock.now))).toBe(630);

    // Alone is fine; a second person cannot start a call until the month ends.
    const back = await h.socket(roomId, ada);
    await back.join();
    const late = await h.socket(roomId, { guest: await h.guestToken(roomId, "Late") });
    late.send({ type: "join", v: 1, media });
    expect(await late.next("error")).toMatchObject({
      code: "plan.minutes_used_up",
      message: `No call can start now: the room owner's plan (free) allows 10 call minutes a month, and they are used up until ${reset}.`,
      vars: { plan: "free", minutes: "10", reset },
    });

    // The operator raising the limit lets the call start again.
    setFree({ monthlyMinutes: 600 });
    const retry = await h.socket(roomId, { guest: await h.guestToken(roomId, "Late") });
    await retry.join();
  });
});

describe("bans and deletions made by youmeet admin in another process", () => {
  test("a banned participant leaves the call, a banned owner's calls end, a deleted owner's calls end; neither can join again", async () => {
    h = await CallHarness.start();
    const [ada, grace, linus] = await Promise.all(["Ada", "Grace", "Linus"].map((name) => h.person(name)));
    const roomId = await h.room(ada!);
    const { socket: a } = await inCall(roomId, ada!);
    const { socket: g, welcome: gw } = await inCall(roomId, grace!);
    const { socket: l } = await inCall(roomId, linus!);

    expect((await admin(h.t.config.dataDir, "users", "ban", await youmeetIdOf(grace!))).code).toBe(0);
    h.t.hub.tick();
    expect(await g.next("call-ended")).toEqual({ type: "call-ended", reason: "banned", message: "The operator banned your account, so you left the call." });
    expect((await g.closed).code).toBe(4002);
    expect(await a.next("participant-left", 5000, (m) => m.peerId === gw.you.peerId)).toMatchObject({ reason: "removed" });
    expect(h.t.hub.participantsOf(roomId)).toEqual(["Ada", "Linus"]);
    // Her session ended with the ban: the socket upgrade no longer knows her.
    expect(await h.upgradeStatus(roomId, { cookie: cookieHeader(grace!), origin: h.base })).toBe(401);

    const adaYoumeetId = await youmeetIdOf(ada!);
    expect((await admin(h.t.config.dataDir, "users", "ban", adaYoumeetId, "--reason", "abuse")).code).toBe(0);
    h.t.hub.tick();
    for (const s of [a, l]) {
      expect(await s.next("call-ended")).toEqual({ type: "call-ended", reason: "banned", message: "The operator banned the room owner's account, so the call ended." });
    }
    expect(h.t.hub.stats().calls).toBe(0);
    const refused = await h.socket(roomId, linus!);
    refused.send({ type: "join", v: 1, media });
    expect(await refused.next("error")).toMatchObject({ code: "room.owner_banned" });

    // Unbanned and logged in again, then deleted: the call in the room ends too.
    expect((await admin(h.t.config.dataDir, "users", "unban", adaYoumeetId)).code).toBe(0);
    const ada2 = await h.person("Ada");
    const { socket: a2 } = await inCall(roomId, ada2);
    const { socket: l2 } = await inCall(roomId, linus!);
    expect((await admin(h.t.config.dataDir, "users", "delete", adaYoumeetId, "--yes")).code).toBe(0);
    h.t.hub.tick();
    for (const s of [a2, l2]) expect((await s.next("call-ended")).reason).toBe("room-deleted");
    expect(await h.upgradeStatus(roomId, { cookie: cookieHeader(ada2), origin: h.base })).toBe(404);
  });
});
