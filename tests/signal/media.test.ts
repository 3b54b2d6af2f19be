import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { waitUntil } from "../sfu/helpers/harness.ts";
import { CallHarness } from "../helpers/call.ts";
import { answerNextOffer, MIC_AND_CAMERA, midIn, publishOver, SyntheticPublisher, SyntheticSubscriber } from "../helpers/media-peer.ts";

// Real peer connections on a shared 2-core machine: generous, never a speed check (bun ignores bunfig's timeout).
setDefaultTimeout(30_000);

let h: CallHarness;
/** Synthetic peers to close before the harness. */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  h?.close();
});
const keepPeer = <T extends SyntheticPublisher | SyntheticSubscriber>(p: T) => (cleanups.push(() => p.close()), p);

/** Ada (owner) and Grace in one call; Ada publishes microphone and camera, Grace receives them. */
async function publishingCall(answerFirstOffer = true) {
  h = await CallHarness.start();
  const { roomId, a, aw, g, gw } = await h.adaAndGrace();
  const publisher = keepPeer(await publishOver(a));
  publisher.start();
  const subscriber = keepPeer(new SyntheticSubscriber());
  const offer = answerFirstOffer
    ? await answerNextOffer(g, subscriber, (o) => o.tracks.length === 2)
    : await g.next("subscribe-offer", 10_000, (o) => o.tracks.length === 2);
  return { roomId, a, g, ada: aw.you.peerId, grace: gw.you.peerId, publisher, subscriber, offer };
}

/** Packets arrive on `mid`, and still arrive half a second later (not just what was in flight). */
async function keepsFlowing(subscriber: SyntheticSubscriber, mid: string, what: string): Promise<void> {
  await waitUntil(() => subscriber.packets(mid) > 5, what);
  await Bun.sleep(500);
  const later = subscriber.packets(mid);
  await waitUntil(() => subscriber.packets(mid) > later + 10, `${what}, still`);
}

describe("media over signaling, with real werift peers", () => {
  test("publish-offer is answered; the other gets a subscribe-offer naming the tracks, answers it, and packets arrive", async () => {
    const { a, g, ada, subscriber, offer } = await publishingCall();
    expect(offer.tracks.map((t) => [t.peerId, t.kind, t.source]).sort()).toEqual([
      [ada, "audio", "microphone"],
      [ada, "video", "camera"],
    ]);
    const audio = midIn(offer, ada, "microphone");
    const video = midIn(offer, ada, "camera");
    await keepsFlowing(subscriber, audio, "Ada's audio reaches Grace");
    await keepsFlowing(subscriber, video, "Ada's video reaches Grace");
    // The publisher itself is offered nothing: nobody else publishes.
    await a.barrier();
    expect(a.received.filter((m) => m.type === "subscribe-offer")).toEqual([]);
    expect(g.received.filter((m) => m.type === "error")).toEqual([]);
  });

  test("ice candidates and end-of-candidates are taken, a broken one answers sfu.bad_candidate; restart-ice brings a fresh offer with new ICE credentials", async () => {
    const { g, ada, subscriber, offer } = await publishingCall();
    g.send({ type: "ice", pc: "subscriber", candidate: { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 } });
    g.send({ type: "ice", pc: "publisher", candidate: { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50001 typ host", sdpMid: "0" } });
    g.send({ type: "ice", pc: "subscriber", candidate: null });
    await g.barrier();
    expect(g.received.filter((m) => m.type === "error")).toEqual([]);
    g.send({ type: "ice", pc: "subscriber", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 port typ host" } });
    expect(await g.next("error")).toMatchObject({ code: "sfu.bad_candidate" });

    const ufrag = (sdp: string) => sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
    g.send({ type: "restart-ice" });
    const restarted = await answerNextOffer(g, subscriber);
    expect(ufrag(restarted.sdp)).not.toBe(ufrag(offer.sdp));
    expect(restarted.tracks.map((t) => t.peerId)).toEqual([ada, ada]);
    await g.barrier();
    expect(g.received.filter((m) => m.type === "error")).toEqual([]);
  });

  test("a malformed offer answers sfu.bad_offer, a malformed answer sfu.bad_answer and a fresh offer; the call goes on", async () => {
    const { a, g, ada, subscriber } = await publishingCall(false);
    g.send({ type: "publish-offer", sdp: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", sources: {} });
    expect(await g.next("error")).toMatchObject({ code: "sfu.bad_offer" });
    g.send({ type: "subscribe-answer", sdp: "v=0\r\nnot an answer\r\n" });
    expect(await g.next("error")).toMatchObject({ code: "sfu.bad_answer" });
    const fresh = await answerNextOffer(g, subscriber);
    await keepsFlowing(subscriber, midIn(fresh, ada, "microphone"), "audio after the fresh offer");
    g.send({ type: "subscribe-answer", sdp: fresh.sdp });
    expect(await g.next("error")).toMatchObject({ code: "signal.out_of_order" });
    g.send({ type: "chat", text: "still here" });
    expect((await a.next("chat")).text).toBe("still here");
  });

  test("media-state and the active speaker reach the others; a leaving publisher's tracks are offered away", async () => {
    const { a, g, ada, publisher } = await publishingCall();
    publisher.audioLevel = 0;
    expect(await g.next("active-speaker", 10_000, (m) => m.peerId === ada)).toEqual({ type: "active-speaker", peerId: ada });
    a.send({ type: "media-state", media: { audio: true, video: false, screen: true } });
    const updated = await g.next("participant-updated", 10_000, (m) => m.participant.peerId === ada);
    expect(updated.participant.media).toEqual({ audio: true, video: false, screen: true });
    a.send({ type: "leave" });
    expect(await g.next("participant-left")).toMatchObject({ peerId: ada, reason: "left" });
    const after = await g.next("subscribe-offer", 10_000, (o) => o.tracks.every((t) => t.peerId !== ada));
    expect(after.tracks).toEqual([]);
  });

  test("a mid named like an Object property still gets a source by its kind (owner mute must find the microphone)", async () => {
    h = await CallHarness.start();
    const { a, g, aw } = await h.adaAndGrace();
    const publisher = keepPeer(new SyntheticPublisher(MIC_AND_CAMERA));
    const { sdp } = await publisher.offer();
    const renamed = sdp.replace(/a=mid:0\b/g, "a=mid:constructor").replace(/(a=group:BUNDLE) 0 /, "$1 constructor ");
    a.send({ type: "publish-offer", sdp: renamed, sources: { "1": "camera" } });
    await a.next("publish-answer");
    const offer = await g.next("subscribe-offer", 10_000, (o) => o.tracks.length === 2);
    expect(offer.tracks.map((t) => [t.peerId, t.kind, t.source]).sort()).toEqual([
      [aw.you.peerId, "audio", "microphone"],
      [aw.you.peerId, "video", "camera"],
    ]);
  });

  test("a microphone declared as a camera or screen is refused (it would escape the owner's mute); declared rightly it is published", async () => {
    h = await CallHarness.start();
    const { a, g, aw } = await h.adaAndGrace();
    const publisher = keepPeer(new SyntheticPublisher(MIC_AND_CAMERA));
    const { sdp, sources } = await publisher.offer();
    const micMid = Object.keys(sources).find((mid) => sources[mid] === "microphone")!;
    for (const lie of ["camera", "screen"] as const) {
      a.send({ type: "publish-offer", sdp, sources: { ...sources, [micMid]: lie } });
      const refusal = await a.next("error");
      expect(refusal).toMatchObject({ code: "signal.bad_sources" });
      expect(refusal.message).toContain(`is audio but was declared as ${lie}`);
    }
    expect(g.received.some((m) => m.type === "subscribe-offer" && m.tracks.length > 0)).toBe(false);
    a.send({ type: "publish-offer", sdp, sources });
    await a.next("publish-answer");
    const offer = await g.next("subscribe-offer", 10_000, (o) => o.tracks.length === 2);
    expect(offer.tracks.find((t) => t.kind === "audio")).toMatchObject({ peerId: aw.you.peerId, source: "microphone" });
  });

  test("sockets closed while their offer is being answered leave no ports bound: later participants still get media", async () => {
    h = await CallHarness.start();
    const { roomId, a, grace } = await h.adaAndGrace();
    for (let i = 0; i < 6; i++) {
      // A tab closed right after it offered: its socket and its peer connection go at once.
      const hasty = await h.socket(roomId, grace);
      await hasty.join();
      const tab = new SyntheticPublisher(MIC_AND_CAMERA);
      const { sdp, sources } = await tab.offer();
      hasty.send({ type: "publish-offer", sdp, sources });
      hasty.close();
      await tab.close();
      await hasty.closed;
    }
    // Each hasty join took the place of Grace's previous socket, so only Ada is left.
    await waitUntil(() => h.t.hub.stats().participants === 1, "the hasty sockets are gone");
    const g = await h.socket(roomId, grace);
    const gw = await g.join();
    keepPeer(await publishOver(g)).start();
    const subscriber = keepPeer(new SyntheticSubscriber());
    const offer = await answerNextOffer(a, subscriber);
    // Nothing of the hasty ones was published: the first offer Ada gets is the newcomer's.
    expect(offer.tracks.map((t) => t.peerId)).toEqual([gw.you.peerId, gw.you.peerId]);
    const video = midIn(offer, gw.you.peerId, "camera");
    await waitUntil(() => subscriber.packets(video) > 10, "the newcomer's video arrives");
    expect(h.t.logLines.filter((line) => line.includes("candidates_missing"))).toEqual([]);
  });
});
