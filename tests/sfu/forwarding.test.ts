/**
 * Forwarding with real werift peers on 127.0.0.1: one publisher, several subscribers.
 */

import { afterEach, expect, test } from "bun:test";
import { SfuHarness, waitUntil } from "./helpers/harness.ts";
import { SyntheticPublisher } from "./helpers/peers.ts";

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

test("with H264 as the room's codec, video is negotiated and forwarded as H264", async () => {
  const h = (harness = new SfuHarness({ videoCodec: "H264" }));
  const sub = h.addSubscriber("room", "sub");
  const publisher = await h.addPublisher("room", "pub", [{ kind: "video", source: "camera" }]);
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "camera") !== null, "camera offered");
  const offer = h.eventsOf("subscriber-offer").at(-1)!;
  expect(offer.sdp).toContain("H264/90000");
  expect(offer.sdp).toContain("profile-level-id=42e01f");
  expect(offer.sdp).not.toContain("VP8");
  await waitUntil(() => sub.packets(h.midOf("sub", "pub", "camera")!) > 20, "H264 video arrives");
}, 60_000);

test("with ICE-TCP on, the answer also offers passive TCP candidates inside the port range", async () => {
  const h = (harness = new SfuHarness({ iceTcp: true }));
  h.sfu.addPeer("room", "pub");
  const sub = h.addSubscriber("room", "sub");
  const publisher = new SyntheticPublisher([{ kind: "audio", source: "microphone" }]);
  h.publishers.set("pub", publisher);
  const { sdp, sources } = await publisher.offer();
  const answer = await h.sfu.publisherOffer("pub", sdp, sources);
  const tcp = answer.split("\r\n").filter((l) => l.startsWith("a=candidate:") && l.split(" ")[2]!.toLowerCase() === "tcp");
  expect(tcp.length).toBeGreaterThan(0);
  expect(tcp.every((l) => l.includes("tcptype passive"))).toBe(true);
  const [min, max] = h.portRange;
  for (const line of tcp) {
    const port = Number(line.split(" ")[5]);
    expect(port).toBeGreaterThanOrEqual(min);
    expect(port).toBeLessThanOrEqual(max);
  }
  await publisher.accept(answer);
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "microphone") !== null, "microphone offered");
  await waitUntil(() => sub.packets(h.midOf("sub", "pub", "microphone")!) > 10, "audio flows (over UDP)");
}, 60_000);
