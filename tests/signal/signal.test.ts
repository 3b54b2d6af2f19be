import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { CallHarness } from "../helpers/call.ts";
import { waitUntil } from "../sfu/helpers/harness.ts";
import type { SignalClient } from "../helpers/signal-client.ts";

// Real sockets on a shared machine; bun ignores bunfig's timeout.
setDefaultTimeout(30_000);

let h: CallHarness;
const sockets: SignalClient[] = [];
afterEach(() => {
  sockets.splice(0).forEach((s) => s.close());
  h?.close();
});
const keep = (s: SignalClient) => (sockets.push(s), s);

/** A fresh server, Ada in her room's call, and Grace logged in but not yet joined. */
async function adaInCallWithGrace() {
  h = await CallHarness.start();
  const ada = await h.person("Ada");
  const grace = await h.person("Grace");
  const roomId = await h.room(ada);
  const a = keep(await h.socket(roomId, ada));
  const adaId = (await a.join()).you.peerId;
  return { ada, grace, roomId, a, adaId };
}

describe("upgrade", () => {
  test("refused without Origin, from another origin, without login, for an unknown room, for guests when off", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const roomId = await h.room(ada);
    const cookie = [...ada.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    expect(await h.upgradeStatus(roomId, { cookie })).toBe(403);
    expect(await h.upgradeStatus(roomId, { cookie, origin: "https://evil.example" })).toBe(403);
    expect(await h.upgradeStatus(roomId, { origin: h.base })).toBe(401);
    expect(await h.upgradeStatus(roomId, { origin: h.base }, "?guest=forged.token.value.x")).toBe(401);
    expect(await h.upgradeStatus("AAAAAAAAAAAA", { cookie, origin: h.base })).toBe(404);
    const token = await h.guestToken(roomId, "Guest");
    await ada.post(`/rooms/${roomId}/guests`);
    expect(await h.upgradeStatus(roomId, { origin: h.base }, `?guest=${token}`)).toBe(101);
  });
});

describe("a call", () => {
  test("join, see each other, chat relayed to all, marks updated, leave seen by the others", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const roomId = await h.room(ada);
    const owner = keep(await h.socket(roomId, ada));
    const welcome = await owner.join();
    expect(welcome.you).toMatchObject({ name: "Ada", role: "owner" });
    expect(welcome.participants).toEqual([]);
    expect(welcome.room).toMatchObject({ id: roomId, name: "Standup", locked: false });
    expect(welcome.iceServers).toEqual([]);

    const guest = keep(await h.socket(roomId, { guest: await h.guestToken(roomId, "Visitor") }));
    const guestWelcome = await guest.join({ audio: true, video: false, screen: false });
    expect(guestWelcome.you).toMatchObject({ name: "Visitor", role: "guest" });
    expect(guestWelcome.participants.map((p) => p.name)).toEqual(["Ada"]);
    const joined = await owner.next("participant-joined");
    expect(joined.participant).toMatchObject({ name: "Visitor", media: { audio: true, video: false } });

    guest.send({ type: "chat", text: "hello <b>all</b>" });
    for (const s of [owner, guest]) {
      const chat = await s.next("chat");
      expect(chat).toMatchObject({ from: guestWelcome.you.peerId, name: "Visitor", text: "hello <b>all</b>" });
    }
    guest.send({ type: "media-state", media: { audio: false, video: false, screen: false } });
    expect((await owner.next("participant-updated")).participant.media.audio).toBe(false);

    const dashboard = await ada.get("/dashboard");
    expect(dashboard.text).toContain("Live now: Ada, Visitor");

    guest.send({ type: "leave" });
    expect(await owner.next("participant-left")).toMatchObject({ peerId: guestWelcome.you.peerId, reason: "left" });
    expect(h.t.hub.participantsOf(roomId)).toEqual(["Ada"]);
  });

  test("closing the socket removes the participant for the others", async () => {
    const { ada, grace, roomId, a } = await adaInCallWithGrace();
    const g = await h.socket(roomId, grace);
    const gw = await g.join();
    g.close();
    expect(await a.next("participant-left")).toMatchObject({ peerId: gw.you.peerId, reason: "disconnected" });
  });

  test("out-of-order and forbidden messages answer errors and change nothing", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const grace = await h.person("Grace");
    const roomId = await h.room(ada);
    const a = keep(await h.socket(roomId, ada));
    a.send({ type: "chat", text: "too early" });
    expect(await a.next("error")).toMatchObject({ code: "signal.out_of_order" });
    a.send({ type: "ping" });
    await a.next("pong");
    a.send({ type: "join", v: 2, media: { audio: true, video: true, screen: false } });
    expect(await a.next("error")).toMatchObject({ code: "protocol.version" });
    await a.join();
    a.send({ type: "join", v: 1, media: { audio: true, video: true, screen: false } });
    expect(await a.next("error")).toMatchObject({ code: "signal.out_of_order" });
    const g = keep(await h.socket(roomId, grace));
    const gw = await g.join();
    for (const command of [{ type: "mute", peerId: gw.you.peerId }, { type: "lock", locked: true }, { type: "end" }]) {
      g.send(command);
      expect(await g.next("error")).toMatchObject({ code: "signal.forbidden" });
    }
    a.send({ type: "remove", peerId: "nobody" });
    expect(await a.next("error")).toMatchObject({ code: "signal.no_participant" });
    a.send({ type: "subscribe-answer", sdp: "v=0 garbage" });
    expect(await a.next("error")).toMatchObject({ code: "signal.out_of_order" });
    a.send({ type: "chat", text: "still here" });
    expect((await g.next("chat")).text).toBe("still here");
  });
});

describe("owner controls", () => {
  test("mute tells the participant and everyone; remove closes their socket; a locked room refuses newcomers and the removed", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const grace = await h.person("Grace");
    const linus = await h.person("Linus");
    const roomId = await h.room(ada);
    const a = keep(await h.socket(roomId, ada));
    await a.join();
    const g = keep(await h.socket(roomId, grace));
    const gw = await g.join();

    a.send({ type: "mute", peerId: gw.you.peerId });
    expect(await g.next("muted-by-owner")).toEqual({ type: "muted-by-owner", source: "microphone" });
    const update = await a.next("participant-updated", 5000, (m) => m.participant.peerId === gw.you.peerId);
    expect(update.participant).toMatchObject({ mutedByOwner: true, media: { audio: false } });

    a.send({ type: "lock", locked: true });
    expect(await g.next("room-locked")).toEqual({ type: "room-locked", locked: true });
    const l = keep(await h.socket(roomId, linus));
    l.send({ type: "join", v: 1, media: { audio: true, video: true, screen: false } });
    expect(await l.next("error")).toMatchObject({ code: "room.locked" });
    expect((await l.closed).code).toBe(4003);

    a.send({ type: "remove", peerId: gw.you.peerId });
    expect(await g.next("removed")).toMatchObject({ type: "removed" });
    expect((await g.closed).code).toBe(4001);
    expect(await a.next("participant-left")).toMatchObject({ peerId: gw.you.peerId, reason: "removed" });
    const again = keep(await h.socket(roomId, grace));
    again.send({ type: "join", v: 1, media: { audio: true, video: true, screen: false } });
    expect(await again.next("error")).toMatchObject({ code: "room.removed" });

    a.send({ type: "lock", locked: false });
    await a.next("room-locked");
    const back = keep(await h.socket(roomId, grace));
    await back.join();
  });

  test("a participant reconnecting into a locked room is let back in", async () => {
    const { ada, grace, roomId, a } = await adaInCallWithGrace();
    const g = await h.socket(roomId, grace);
    await g.join();
    a.send({ type: "lock", locked: true });
    await g.next("room-locked");
    g.close();
    await a.next("participant-left");
    const back = keep(await h.socket(roomId, grace));
    expect((await back.join()).room.locked).toBe(true);
  });

  test("joining again (a reconnect the server has not noticed yet, or a second tab) replaces the first connection", async () => {
    const { ada, grace, roomId, a } = await adaInCallWithGrace();
    const first = keep(await h.socket(roomId, grace));
    const firstWelcome = await first.join();
    await a.next("participant-joined");
    const second = keep(await h.socket(roomId, grace));
    const secondWelcome = await second.join();
    expect((await first.closed).code).toBe(4004);
    expect(await a.next("participant-left")).toMatchObject({ peerId: firstWelcome.you.peerId });
    expect((await a.next("participant-joined")).participant.peerId).toBe(secondWelcome.you.peerId);
    expect(secondWelcome.participants.map((p) => p.name)).toEqual(["Ada"]);
    expect(h.t.hub.participantsOf(roomId)).toEqual(["Ada", "Grace"]);

    // A guest reconnects with the same pass, so they are the same person too.
    const token = await h.guestToken(roomId, "Visitor");
    const guest = keep(await h.socket(roomId, { guest: token }));
    await guest.join();
    const again = keep(await h.socket(roomId, { guest: token }));
    await again.join();
    expect((await guest.closed).code).toBe(4004);
    expect(h.t.hub.participantsOf(roomId).sort()).toEqual(["Ada", "Grace", "Visitor"]);
  });

  test("a newcomer is told who is speaking now, not only at the next change", async () => {
    const { grace, roomId, a, adaId } = await adaInCallWithGrace();
    h.t.hub.onSfuEvent({ type: "active-speaker", roomId, peerId: adaId });
    expect((await a.next("active-speaker")).peerId).toBe(adaId);
    const g = keep(await h.socket(roomId, grace));
    await g.join();
    expect((await g.next("active-speaker")).peerId).toBe(adaId);
  });

  test("ending the call, or deleting the room, ends it for everyone", async () => {
    const { ada, grace, roomId, a } = await adaInCallWithGrace();
    const g = keep(await h.socket(roomId, grace));
    await g.join();
    a.send({ type: "end" });
    expect(await g.next("call-ended")).toMatchObject({ reason: "ended-by-owner" });
    expect((await g.closed).code).toBe(4002);
    expect((await a.closed).code).toBe(4002);

    const a2 = keep(await h.socket(roomId, ada));
    await a2.join();
    const g2 = keep(await h.socket(roomId, grace));
    await g2.join();
    const deleted = await ada.send("DELETE", `/api/v1/rooms/${roomId}`, { headers: { "x-csrf-token": ada.csrfToken } });
    expect(deleted.status).toBe(204);
    expect(await g2.next("call-ended")).toMatchObject({ reason: "room-deleted" });
    expect(await h.upgradeStatus(roomId, { origin: h.base, cookie: `youmeet_session=${ada.cookies.get("youmeet_session")}` })).toBe(404);
  });
});

describe("malformed messages", () => {
  test("each answers one protocol error and the socket stays open: objects as type, binary frames, JSON quoted in JSON, long names", async () => {
    h = await CallHarness.start();
    const ada = await h.person("Ada");
    const roomId = await h.room(ada);
    const a = keep(await h.socket(roomId, ada));
    await a.join();
    const cases: Array<[string | Uint8Array, string]> = [
      // String() of these throws; the message once vanished without an answer.
      ['{"type":{"toString":"x"}}', "protocol.unknown_type"],
      ['{"type":{"toString":1,"valueOf":2}}', "protocol.unknown_type"],
      // A text frame holding a JSON string was decoded twice and accepted as the message inside.
      [JSON.stringify(JSON.stringify({ type: "chat", text: "quoted" })), "protocol.not_json"],
      [new TextEncoder().encode(JSON.stringify({ type: "chat", text: "binary" })), "protocol.not_json"],
      ["{bad", "protocol.not_json"],
      ['{"type":"chat","text":"x","' + "k".repeat(60_000) + '":1}', "protocol.invalid"],
    ];
    for (const [raw, code] of cases) {
      a.socket.send(raw);
      await a.barrier();
      const errors = a.received.splice(0).filter((m) => m.type === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code });
      expect((errors[0] as { message: string }).message.length).toBeLessThan(200);
    }
    expect(a.received.filter((m) => m.type === "chat")).toEqual([]);
  });

  test("a message over 64 KiB closes the socket with 1009 before it is handled", async () => {
    h = await CallHarness.start();
    const { a, g, gw } = await h.adaAndGrace();
    g.send({ type: "chat", text: "x".repeat(64 * 1024) });
    expect((await g.closed).code).toBe(1009);
    expect(await a.next("participant-left")).toMatchObject({ peerId: gw.you.peerId, reason: "disconnected" });
    expect(a.received.filter((m) => m.type === "error" || m.type === "chat")).toEqual([]);
  });

  test("after leave the socket answers ping, refuses call messages as out of order, and can join again", async () => {
    h = await CallHarness.start();
    const { roomId, a, g, gw: first } = await h.adaAndGrace();
    g.send({ type: "leave" });
    await a.next("participant-left");
    await g.barrier();
    g.send({ type: "chat", text: "gone" });
    expect(await g.next("error")).toMatchObject({ code: "signal.out_of_order" });
    const again = await g.join();
    expect(again.you.peerId).not.toBe(first.you.peerId);
    expect(again.participants.map((p) => p.name)).toEqual(["Ada"]);
    await a.next("participant-joined", 5000, (m) => m.participant.peerId === again.you.peerId);
    expect(h.t.hub.participantsOf(roomId).sort()).toEqual(["Ada", "Grace"]);
  });
});

describe("media ports", () => {
  test("when the port range is used up, the joining person is told so and the log says what to widen", async () => {
    h = await CallHarness.start();
    // On pro so that the ports, not the plan's room count, run out first. One person is in a
    // call once (a second join replaces the first), so Ada joins a room of her own each time.
    const ada = await h.onPlan(await h.person("Ada"), "pro");
    let refusal: { code: string; message: string } | null = null;
    for (let joined = 0; !refusal && joined < 90; joined++) {
      const s = keep(await h.socket(await h.room(ada, `Room ${joined}`), ada));
      s.send({ type: "join", v: 1, media: { audio: true, video: true, screen: false } });
      await waitUntil(() => s.received.some((m) => m.type === "welcome" || m.type === "error"), "an answer to join");
      const answer = s.received.find((m) => m.type === "welcome" || m.type === "error")!;
      if (answer.type === "welcome") continue;
      if (answer.type === "error") {
        refusal = answer;
        expect((await s.closed).code).toBe(4003);
      }
    }
    expect(refusal).toMatchObject({ code: "sfu.ports_exhausted" });
    expect(refusal!.message).toContain("--rtc-ports");
    expect(h.t.logLines.some((line) => line.includes("rtc port range exhausted: widen --rtc-ports"))).toBe(true);
  });
});
