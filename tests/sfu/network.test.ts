/**
 * The network side: no public STUN ever, port accounting that fails loudly, candidate
 * filtering and the announced address, and no transport-cc in our answers.
 */

import dgram from "node:dgram";
import dns from "node:dns";
import { networkInterfaces } from "node:os";
import { afterEach, expect, test } from "bun:test";
import { RTCPeerConnection } from "werift";
import { createPeerConnection, effectiveStunServers, enlargeRecvBuffers, forbidDefaultStun } from "../../src/sfu/rtcconfig.ts";
import { socketsPerConnection } from "../../src/sfu/ports.ts";
import { extmapUris, sdpCandidates } from "../../src/sfu/sdp.ts";
import { SfuError } from "../../src/sfu/index.ts";
import { SfuHarness, waitUntil } from "./helpers/harness.ts";
import { LOOPBACK, SyntheticPublisher, testPeerSettings } from "./helpers/peers.ts";

let harness: SfuHarness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

const TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

function localAddresses(): Set<string> {
  const result = new Set<string>(["127.0.0.1"]);
  for (const infos of Object.values(networkInterfaces())) for (const info of infos ?? []) result.add(info.address);
  return result;
}

test("werift alone falls back to Google's STUN; our peer connections have no STUN server", async () => {
  // The trap is real: a plain werift connection with iceServers: [] would query Google.
  const plain = new RTCPeerConnection({ iceServers: [] });
  plain.addTransceiver("audio", { direction: "sendonly" });
  expect(JSON.stringify(effectiveStunServers(plain))).toContain("stun.l.google.com");
  await plain.close();

  const ours = createPeerConnection(testPeerSettings("publisher"));
  ours.addTransceiver("audio", { direction: "sendonly" });
  forbidDefaultStun(ours);
  expect(ours.config.iceServers).toEqual([]);
  expect(effectiveStunServers(ours)).toEqual([]);
  await ours.setLocalDescription(await ours.createOffer());
  expect(effectiveStunServers(ours)).toEqual([]);
  const types = sdpCandidates(ours.localDescription!.sdp).map((c) => c.split(" ")[7]);
  expect(types.length).toBeGreaterThan(0);
  expect(types.every((t) => t === "host")).toBe(true);
  expect(enlargeRecvBuffers(ours)).toBeGreaterThan(0);
  await ours.close();
}, 30_000);

test("a whole SFU session sends UDP only to local addresses, never to a STUN server", async () => {
  const sent: string[] = [];
  const looked: string[] = [];
  // werift resolves a STUN host name before it sends (no internet here, so only the lookup
  // would show): record lookups as well as datagrams.
  const originalLookup = dns.promises.lookup;
  dns.promises.lookup = ((host: string, ...rest: unknown[]) => {
    looked.push(host);
    return (originalLookup as (...a: unknown[]) => unknown)(host, ...rest);
  }) as typeof originalLookup;
  const original = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    // send(msg, port, address, cb) or send(msg, offset, length, port, address, cb)
    const address = args.find((a, i) => i > 0 && typeof a === "string") as string | undefined;
    if (address) sent.push(address);
    return (original as (...a: unknown[]) => void).apply(this, args);
  } as typeof original;
  try {
    const h = (harness = new SfuHarness());
    const sub = h.addSubscriber("room", "sub");
    const publisher = await h.addPublisher("room", "pub", [{ kind: "video", source: "camera" }]);
    publisher.start();
    await waitUntil(() => h.midOf("sub", "pub", "camera") !== null, "camera offered");
    await waitUntil(() => sub.packets(h.midOf("sub", "pub", "camera")!) > 20, "video flows");
    for (const offer of h.eventsOf("subscriber-offer")) {
      expect(sdpCandidates(offer.sdp).every((c) => c.split(" ")[7] === "host")).toBe(true);
    }
  } finally {
    dgram.Socket.prototype.send = original;
    dns.promises.lookup = originalLookup;
  }
  expect(looked).toEqual([]);
  expect(sent.length).toBeGreaterThan(0);
  const local = localAddresses();
  expect(sent.filter((address) => !local.has(address))).toEqual([]);
}, 60_000);

test("when the port range is used up, addPeer fails loudly and frees up again", async () => {
  const perConnection = Math.max(2, socketsPerConnection(LOOPBACK));
  // Room for exactly two peers (two connections each).
  const start = 45_500 + Math.floor(Math.random() * 100) * 20;
  const range: [number, number] = [start, start + 4 * perConnection - 1];
  const h = (harness = new SfuHarness({ portRange: range }));
  const sub = h.addSubscriber("room", "a");
  const publisher = await h.addPublisher("room", "b", [{ kind: "video", source: "camera" }]);
  publisher.start();

  let error: unknown = null;
  try {
    h.addSubscriber("room", "c");
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SfuError);
  expect((error as SfuError).code).toBe("sfu.ports_exhausted");
  expect(h.eventsOf("ports-exhausted")).toEqual([
    { type: "ports-exhausted", roomId: "room", peerId: "c", portRange: range, connectionsInUse: 4, connectionsMax: 4 },
  ]);
  h.subscribers.delete("c");

  // The two peers that did get ports work, on ports inside the range.
  await waitUntil(() => h.midOf("a", "b", "camera") !== null, "camera offered");
  await waitUntil(() => sub.packets(h.midOf("a", "b", "camera")!) > 0, "video flows");
  for (const offer of h.eventsOf("subscriber-offer")) {
    for (const candidate of sdpCandidates(offer.sdp)) {
      const port = Number(candidate.split(" ")[5]);
      expect(port).toBeGreaterThanOrEqual(range[0]);
      expect(port).toBeLessThanOrEqual(range[1]);
    }
  }

  await h.removePeer("a");
  expect(h.sfu.stats().portConnectionsInUse).toBe(2);
  expect(() => h.addSubscriber("room", "d")).not.toThrow();
}, 60_000);

test("a port taken inside a leased block is reported, not silently lost", async () => {
  const addresses = socketsPerConnection(LOOPBACK);
  const blockSize = Math.max(2, addresses);
  const start = 47_500 + Math.floor(Math.random() * 100) * 20;
  const range: [number, number] = [start, start + 4 * blockSize - 1];
  // Someone else holds ports of the first block: werift would silently drop a candidate.
  const squatters: dgram.Socket[] = [];
  for (let i = 0; i < blockSize - addresses + 1; i++) {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(start + i, resolve));
    squatters.push(socket);
  }
  try {
    const h = (harness = new SfuHarness({ portRange: range }));
    h.sfu.addPeer("room", "pub");
    const publisher = new SyntheticPublisher([{ kind: "audio", source: "microphone" }]);
    h.publishers.set("pub", publisher);
    const { sdp, sources } = await publisher.offer();
    await h.sfu.publisherOffer("pub", sdp, sources);
    await waitUntil(() => h.eventsOf("error").length > 0, "an error event");
    const [event] = h.eventsOf("error");
    expect(event).toMatchObject({ type: "error", roomId: "room", peerId: "pub", code: "sfu.candidates_missing" });
  } finally {
    for (const socket of squatters) socket.close();
  }
}, 60_000);

test("answers carry no transport-cc, mDNS or IPv6 candidates are refused, the announced address is used", async () => {
  const h = (harness = new SfuHarness({ announcedAddress: "203.0.113.7" }));
  const publisher = new SyntheticPublisher([{ kind: "video", source: "camera" }]);
  h.publishers.set("pub", publisher);
  h.sfu.addPeer("room", "pub");
  const { sdp, sources } = await publisher.offer();
  // What Chrome offers: transport-cc, an mDNS candidate and an IPv6 one.
  const chromeLike = sdp
    .replace(/(a=mid:[^\r\n]+\r\n)/, `$1a=extmap:9 ${TRANSPORT_CC}\r\n`)
    .replace(
      /(a=candidate:[^\r\n]+\r\n)/,
      "$1a=candidate:9 1 udp 2122262783 0b1d3e2f-aaaa-bbbb-cccc-123456789abc.local 50000 typ host\r\n" +
        "a=candidate:10 1 udp 2122262783 fd00::99 50001 typ host\r\n",
    );
  expect(extmapUris(chromeLike)).toContain(TRANSPORT_CC);
  const answer = await h.sfu.publisherOffer("pub", chromeLike, sources);
  expect(extmapUris(answer)).not.toContain(TRANSPORT_CC);
  const addresses = sdpCandidates(answer).map((c) => c.split(" ")[4]);
  expect(addresses).toContain("203.0.113.7");
  expect(addresses).toContain("127.0.0.1"); // kept: an explicitly added host address
  expect(addresses.every((a) => a === "203.0.113.7" || a === "127.0.0.1")).toBe(true);
  await publisher.accept(answer);

  expect(await h.sfu.addIceCandidate("pub", "publisher", { candidate: "candidate:1 1 udp 1 abc.local 5000 typ host", sdpMid: "0" })).toBe(false);
  expect(await h.sfu.addIceCandidate("pub", "publisher", { candidate: "candidate:1 1 udp 1 fd00::1 5000 typ host", sdpMid: "0" })).toBe(false);
  expect(await h.sfu.addIceCandidate("pub", "publisher", { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" })).toBe(true);

  // Still connects (over loopback) and publishes.
  publisher.start();
  await waitUntil(() => h.eventsOf("connection-state").some((e) => e.peerId === "pub" && e.pc === "publisher" && e.state === "connected"), "publisher connected");
  expect(h.eventsOf("track-published").length).toBe(1);
}, 60_000);

test("unknown peers get a clear error, not a crash", async () => {
  const h = (harness = new SfuHarness());
  await expect(h.sfu.publisherOffer("nobody", "v=0\r\n")).rejects.toMatchObject({ code: "sfu.unknown_peer" });
  await expect(h.sfu.subscriberAnswer("nobody", "v=0\r\n")).rejects.toMatchObject({ code: "sfu.unknown_peer" });
  h.sfu.addPeer("room", "p");
  expect(() => h.sfu.addPeer("room", "p")).toThrow(SfuError);
  await expect(h.sfu.subscriberAnswer("p", "v=0\r\n")).rejects.toMatchObject({ code: "sfu.unexpected_answer" });
  await h.sfu.removePeer("p");
  await h.sfu.removePeer("p");
  expect(h.sfu.stats().peers).toBe(0);
  expect(h.sfu.stats().rooms).toBe(0);
}, 30_000);

test("garbage SDP and candidates are refused with a code, and the peer still works after", async () => {
  const h = (harness = new SfuHarness());
  const sub = h.addSubscriber("room", "sub");
  h.sfu.addPeer("room", "pub");
  for (const junk of ["", "v=0", "hello\r\nworld", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n".repeat(3)]) {
    const error = await h.sfu.publisherOffer("pub", junk).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(SfuError);
  }
  const candidateError = await h.sfu
    .addIceCandidate("pub", "publisher", { candidate: "candidate:x 1 udp nonsense 1.2.3.4", sdpMid: "77" })
    .then(() => null, (e: unknown) => e);
  expect(candidateError === null || candidateError instanceof SfuError).toBe(true);

  const publisher = new SyntheticPublisher([{ kind: "video", source: "camera" }]);
  h.publishers.set("pub", publisher);
  const { sdp, sources } = await publisher.offer();
  await publisher.accept(await h.sfu.publisherOffer("pub", sdp, sources));
  publisher.start();
  await waitUntil(() => h.midOf("sub", "pub", "camera") !== null, "camera offered");
  await waitUntil(() => sub.packets(h.midOf("sub", "pub", "camera")!) > 10, "video flows");

  // A bad answer to a subscriber offer: refused, and a fresh offer follows.
  const offers = h.eventsOf("subscriber-offer").filter((e) => e.peerId === "sub").length;
  const late = new SyntheticPublisher([{ kind: "audio", source: "microphone" }]);
  h.subscribers.delete("sub"); // answer by hand from here on
  h.sfu.addPeer("room", "pub2");
  h.publishers.set("pub2", late);
  const second = await late.offer();
  await late.accept(await h.sfu.publisherOffer("pub2", second.sdp, second.sources));
  await waitUntil(() => h.eventsOf("subscriber-offer").filter((e) => e.peerId === "sub").length === offers + 1, "offer for the new track");
  const bad = await h.sfu.subscriberAnswer("sub", "v=0\r\nnot an answer").then(() => null, (e: unknown) => e);
  expect(bad).toMatchObject({ code: "sfu.bad_answer" });
  await waitUntil(() => h.eventsOf("subscriber-offer").filter((e) => e.peerId === "sub").length === offers + 2, "a fresh offer");
  const fresh = h.eventsOf("subscriber-offer").filter((e) => e.peerId === "sub").at(-1)!;
  await h.sfu.subscriberAnswer("sub", await sub.answer(fresh.sdp));
  late.start();
  const mic = fresh.tracks.find((t) => t.publisherPeerId === "pub2")!.mid;
  await waitUntil(() => sub.packets(mic) > 10, "the new track flows after the retry");
  h.subscribers.set("sub", sub);
}, 60_000);
