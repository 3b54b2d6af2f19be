/**
 * Tracks coming and going: a leaving publisher, a publisher that stops one track, owner
 * mute (setForwarding), and the active speaker.
 */

import { afterEach, expect, test } from "bun:test";
import { SfuHarness, settle, waitUntil } from "./helpers/harness.ts";

let harness: SfuHarness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

test("a leaving publisher's tracks end for every subscriber, with renegotiation", async () => {
  const h = (harness = new SfuHarness());
  const subs = ["s1", "s2"].map((id) => [id, h.addSubscriber("room", id)] as const);
  const publisher = await h.addPublisher("room", "pub", [
    { kind: "audio", source: "microphone" },
    { kind: "video", source: "camera" },
  ]);
  publisher.start();
  const mids = new Map<string, string>();
  for (const [id, sub] of subs) {
    await waitUntil(() => h.midOf(id, "pub", "camera") !== null, `${id} offered the camera`);
    const mid = h.midOf(id, "pub", "camera")!;
    mids.set(id, mid);
    await waitUntil(() => sub.packets(mid) > 0, `${id} receives video`);
  }
  const published = h.eventsOf("track-published").map((e) => e.trackId).sort();

  await h.removePeer("pub");

  const ended = h.eventsOf("track-ended");
  expect(ended.map((e) => e.trackId).sort()).toEqual(published);
  expect(ended.every((e) => e.peerId === "pub" && e.roomId === "room")).toBe(true);
  for (const [id, sub] of subs) {
    await waitUntil(() => sub.direction(mids.get(id)!) === "inactive", `${id}'s camera m-line goes inactive`);
    const last = h.eventsOf("subscriber-offer").filter((e) => e.peerId === id).at(-1)!;
    expect(last.tracks).toEqual([]);
  }
  expect(h.sfu.stats().publishedTracks).toBe(0);
  expect(h.sfu.stats().subscriptions).toBe(0);
  expect(h.errors).toEqual([]);
}, 60_000);

test("a publisher that stops one track by renegotiating ends only that track; a new one reuses the m-line", async () => {
  const h = (harness = new SfuHarness());
  const sub = h.addSubscriber("room", "sub");
  const publisher = await h.addPublisher("room", "pub", [
    { kind: "video", source: "camera" },
    { kind: "video", source: "screen" },
  ]);
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "screen") !== null, "screen offered");
  const screenMid = h.midOf("sub", "pub", "screen")!;
  await waitUntil(() => sub.packets(screenMid) > 0, "screen arrives");
  const offersBefore = sub.offers;

  // The browser stops sharing: its screen transceiver no longer sends.
  publisher.transceivers[1]!.setDirection("inactive");
  const { sdp, sources } = await publisher.offer();
  await publisher.accept(await h.sfu.publisherOffer("pub", sdp, sources));

  await waitUntil(() => h.eventsOf("track-ended").length === 1, "screen track ended");
  expect(h.eventsOf("track-ended")[0]!.source).toBe("screen");
  await waitUntil(() => sub.direction(screenMid) === "inactive", "screen m-line inactive at the subscriber");
  const cameraMid = h.midOf("sub", "pub", "camera")!;
  const cameraBefore = sub.packets(cameraMid);
  await waitUntil(() => sub.packets(cameraMid) > cameraBefore + 10, "camera keeps flowing");

  // Sharing again: the subscriber's freed m-line carries the new track.
  publisher.transceivers[1]!.setDirection("sendonly");
  const again = await publisher.offer();
  await publisher.accept(await h.sfu.publisherOffer("pub", again.sdp, again.sources));
  await waitUntil(() => h.eventsOf("track-published").length === 3, "screen published again");
  await waitUntil(() => sub.offers >= offersBefore + 2, "subscriber renegotiated twice");
  await waitUntil(() => h.midOf("sub", "pub", "screen") !== null, "screen offered again");
  expect(h.midOf("sub", "pub", "screen")).toBe(screenMid);
  const screenBefore = sub.packets(screenMid);
  await waitUntil(() => sub.packets(screenMid) > screenBefore + 10, "new screen track arrives");
  expect(h.errors).toEqual([]);
}, 60_000);

test("setForwarding(false) stops forwarding a source and true resumes it", async () => {
  const h = (harness = new SfuHarness());
  const sub = h.addSubscriber("room", "sub");
  const publisher = await h.addPublisher("room", "pub", [
    { kind: "audio", source: "microphone" },
    { kind: "video", source: "camera" },
  ]);
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "microphone") !== null, "microphone offered");
  const mic = h.midOf("sub", "pub", "microphone")!;
  const cam = h.midOf("sub", "pub", "camera")!;
  await waitUntil(() => sub.packets(mic) > 10 && sub.packets(cam) > 10, "audio and video arrive");

  expect(h.sfu.setForwarding("pub", "microphone", false)).toBe(1);
  const changed = h.eventsOf("forwarding-changed");
  expect(changed).toEqual([{ type: "forwarding-changed", roomId: "room", peerId: "pub", source: "microphone", enabled: false }]);
  await settle(300); // packets already on the wire may still land
  const muted = sub.packets(mic);
  const camera = sub.packets(cam);
  await waitUntil(() => sub.packets(cam) > camera + 25, "the camera keeps flowing meanwhile");
  expect(sub.packets(mic)).toBe(muted);

  h.sfu.setForwarding("pub", "microphone", true);
  await waitUntil(() => sub.packets(mic) > muted + 10, "audio flows again");
  // The resumed stream continues the subscriber's sequence numbers without a gap.
  const seqs = sub.received.get(mic)!.seqs;
  expect(seqs[muted]).toBe((seqs[muted - 1]! + 1) & 0xffff);
}, 60_000);

test("a muted source stays muted for a track published later", async () => {
  const h = (harness = new SfuHarness());
  const sub = h.addSubscriber("room", "sub");
  const first = await h.addPublisher("room", "pub", [{ kind: "video", source: "camera" }]);
  h.sfu.setForwarding("pub", "microphone", false);
  first.start();
  // The browser adds its microphone later, in a new offer.
  first.transceivers.push(first.pc.addTransceiver("audio", { direction: "sendonly" }));
  first.tracks.push({ kind: "audio", source: "microphone" });
  const { sdp, sources } = await first.offer();
  await first.accept(await h.sfu.publisherOffer("pub", sdp, sources));
  await waitUntil(() => h.midOf("sub", "pub", "microphone") !== null, "microphone offered");
  const cam = h.midOf("sub", "pub", "camera")!;
  const mic = h.midOf("sub", "pub", "microphone")!;
  await waitUntil(() => sub.packets(cam) > 50, "camera flows");
  expect(sub.packets(mic)).toBe(0);
}, 60_000);

test("the loudest speaker becomes the active speaker", async () => {
  const h = (harness = new SfuHarness());
  const a = await h.addPublisher("room", "a", [{ kind: "audio", source: "microphone" }]);
  const b = await h.addPublisher("room", "b", [{ kind: "audio", source: "microphone" }]);
  a.audioLevel = 20; // -20 dBov: talking
  b.audioLevel = 127; // silence
  a.start();
  b.start();
  const speakers = () => h.eventsOf("active-speaker").map((e) => e.peerId);
  await waitUntil(() => speakers().at(-1) === "a", "a becomes the active speaker");
  a.audioLevel = 127;
  b.audioLevel = 30;
  await waitUntil(() => speakers().at(-1) === "b", "b takes over");
  expect(speakers()).not.toContain(null);
  await h.removePeer("b");
  await waitUntil(() => speakers().at(-1) === null, "nobody once b left");
}, 60_000);
