/**
 * Forwarding with real werift peers on 127.0.0.1: one publisher, several subscribers.
 */

import { afterEach, expect, test } from "bun:test";
import { SfuHarness, waitUntil } from "./helpers/harness.ts";

let harness: SfuHarness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

test("one publisher's audio and video reach three subscribers", async () => {
  const h = (harness = new SfuHarness());
  const subs = ["s1", "s2", "s3"].map((id) => [id, h.addSubscriber("room", id)] as const);
  const publisher = await h.addPublisher("room", "pub", [
    { kind: "audio", source: "microphone" },
    { kind: "video", source: "camera" },
  ]);
  publisher.start();

  await waitUntil(() => h.eventsOf("track-published").length === 2, "two tracks published");
  for (const [id, sub] of subs) {
    await waitUntil(() => h.midOf(id, "pub", "camera") !== null, `${id} offered the camera`);
    const videoMid = h.midOf(id, "pub", "camera")!;
    const audioMid = h.midOf(id, "pub", "microphone")!;
    await waitUntil(() => sub.packets(videoMid) >= 20 && sub.packets(audioMid) >= 20, `${id} receives audio and video`);
    // Header extensions are cleared per subscriber (trap 6): none arrive.
    expect(sub.received.get(audioMid)!.extensionPackets).toBe(0);
    expect(sub.received.get(videoMid)!.kind).toBe("video");
  }
  // The publisher does not receive its own tracks.
  expect(h.midOf("pub", "pub", "camera")).toBeNull();
  const stats = h.sfu.stats();
  expect(stats.publishedTracks).toBe(2);
  expect(stats.subscriptions).toBe(6);
  expect(stats.forwardedPackets).toBeGreaterThan(0);
  expect(h.errors).toEqual([]);
}, 60_000);
