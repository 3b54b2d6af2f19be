/**
 * RTCP the SFU handles itself: keyframe requests (PLI) to the publisher when a subscriber
 * joins and when it asks, NACKs answered from the retransmission buffer, REMB to publishers.
 */

import { afterEach, expect, test } from "bun:test";
import { SfuHarness, waitUntil } from "./helpers/harness.ts";

let harness: SfuHarness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

test("a joining subscriber makes the SFU ask the publisher for a keyframe", async () => {
  const h = (harness = new SfuHarness());
  const publisher = await h.addPublisher("room", "pub", [{ kind: "video", source: "camera" }]);
  publisher.start();
  await waitUntil(() => h.eventsOf("track-published").length === 1, "track published");
  // Nobody subscribes yet: no reason to ask for a keyframe.
  await Bun.sleep(300);
  expect(publisher.plisReceived()).toBe(0);

  const sub = h.addSubscriber("room", "late");
  await waitUntil(() => h.midOf("late", "pub", "camera") !== null, "subscriber offered the camera");
  const mid = h.midOf("late", "pub", "camera")!;
  await waitUntil(() => sub.packets(mid) > 0, "video reaches the late subscriber");
  await waitUntil(() => publisher.plisReceived() >= 1, "PLI reaches the publisher");
}, 60_000);

test("a subscriber's own PLI, routed by media SSRC, reaches the publisher", async () => {
  const h = (harness = new SfuHarness());
  const sub = h.addSubscriber("room", "sub");
  const publisher = await h.addPublisher("room", "pub", [{ kind: "video", source: "camera" }]);
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "camera") !== null, "subscriber offered the camera");
  const mid = h.midOf("sub", "pub", "camera")!;
  await waitUntil(() => sub.packets(mid) > 0, "video arrives");
  await waitUntil(() => publisher.plisReceived() >= 1, "first PLI (subscriber started)");
  const before = publisher.plisReceived();
  await sub.sendPli(mid);
  await waitUntil(() => publisher.plisReceived() > before, "the subscriber's PLI is passed on");
}, 60_000);

test("a NACK is answered from the retransmission buffer", async () => {
  const h = (harness = new SfuHarness());
  const sub = h.addSubscriber("room", "sub");
  const publisher = await h.addPublisher("room", "pub", [{ kind: "video", source: "camera" }]);
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "camera") !== null, "subscriber offered the camera");
  const mid = h.midOf("sub", "pub", "camera")!;
  await waitUntil(() => sub.packets(mid) >= 30, "video arrives");
  const seqs = sub.received.get(mid)!.seqs;
  const wanted = seqs[seqs.length - 10]!;
  const copies = () => sub.received.get(mid)!.seqs.filter((s) => s === wanted).length;
  expect(copies()).toBe(1);
  await sub.sendNack(mid, [wanted]);
  await waitUntil(() => copies() === 2, `packet ${wanted} is sent again`);
  expect(h.sfu.stats().retransmittedPackets).toBeGreaterThanOrEqual(1);
  expect(h.sfu.stats().nacksReceived).toBeGreaterThanOrEqual(1);

  // A sequence number the SFU never sent is not "retransmitted".
  const future = (seqs[seqs.length - 1]! + 5000) & 0xffff;
  const retransmitted = h.sfu.stats().retransmittedPackets;
  await sub.sendNack(mid, [future]);
  await waitUntil(() => h.sfu.stats().nacksReceived >= 2, "second NACK arrives");
  expect(h.sfu.stats().retransmittedPackets).toBe(retransmitted);
}, 60_000);

test("publishers get REMB capped by the room's bitrate limit", async () => {
  const h = (harness = new SfuHarness({ maxRoomBitrate: 1_000_000, maxTrackBitrate: 5_000_000 }));
  h.addSubscriber("room", "sub");
  const a = await h.addPublisher("room", "a", [{ kind: "video", source: "camera" }]);
  const b = await h.addPublisher("room", "b", [{ kind: "video", source: "camera" }]);
  a.start();
  b.start();
  await waitUntil(() => a.rembBitrate() > 0 && b.rembBitrate() > 0, "both publishers get a REMB");
  // Two video tracks share 1 Mbit/s: each is told at most 500 kbit/s (REMB rounds down).
  for (const p of [a, b]) {
    expect(p.rembBitrate()).toBeLessThanOrEqual(500_000);
    expect(p.rembBitrate()).toBeGreaterThan(450_000);
  }
  expect(h.sfu.stats().rembSent).toBeGreaterThan(0);
}, 60_000);
