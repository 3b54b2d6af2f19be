/**
 * The SFU's pure parts without a network: per-subscriber rewriting (the shared packet left as
 * werift gave it), NACK mapping, keyframe rate limiting, speaker hysteresis, port blocks, SDP
 * candidate rules, and the module boundary (sfu imports werift and the logger type, nothing
 * else of ours).
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { RtpHeader, RtpPacket, SrtpSession, type RTCDtlsTransport } from "werift";
import { DownTrack, KEYFRAME_REQUEST_INTERVAL_MS, UpTrack, newCounters } from "../../src/sfu/forwarder.ts";
import { PortPool } from "../../src/sfu/ports.ts";
import { cleanRemoteSdp, rewriteLocalSdp, sdpCandidates } from "../../src/sfu/sdp.ts";
import { SpeakerDetector } from "../../src/sfu/speaker.ts";
import { waitUntil } from "./helpers/harness.ts";

interface Sent {
  ssrc: number;
  payloadType: number;
  seq: number;
  ts: number;
  extensions: number;
}

/**
 * A werift DTLS transport as far as the egress reads it: a real SRTP session, and an ICE pair
 * that is not plain UDP, so packets take the copying path and arrive here synchronously;
 * each is decrypted with the peer's session and parsed, as a subscriber would.
 */
function fakeTransport(sent: Sent[]): RTCDtlsTransport {
  const keys = (local: number, remote: number) => ({
    localMasterKey: Buffer.alloc(16, local),
    localMasterSalt: Buffer.alloc(14, local),
    remoteMasterKey: Buffer.alloc(16, remote),
    remoteMasterSalt: Buffer.alloc(14, remote),
  });
  const srtp = new SrtpSession({ keys: keys(1, 2), profile: 0x0001 });
  const peer = new SrtpSession({ keys: keys(2, 1), profile: 0x0001 });
  const connection = {
    nominated: { protocol: { type: "tcp" }, remoteAddr: ["127.0.0.1", 9] },
    canSendApplicationData: () => true,
    send: async (data: Buffer) => {
      const header = RtpPacket.deSerialize(peer.decrypt(data)).header;
      sent.push({
        ssrc: header.ssrc,
        payloadType: header.payloadType,
        seq: header.sequenceNumber,
        ts: header.timestamp,
        extensions: header.extensions.length,
      });
    },
  };
  return { srtp, iceTransport: { connection }, sendRtcp: async () => {} } as unknown as RTCDtlsTransport;
}

function packet(seq: number, ts: number, level?: number): RtpPacket {
  const header = new RtpHeader({
    payloadType: 100,
    sequenceNumber: seq,
    timestamp: ts,
    ssrc: 0xaaaa,
    extensions: level === undefined ? [] : [{ id: 3, payload: Buffer.from([level]) }],
  });
  return new RtpPacket(header, Buffer.alloc(10));
}

test("forwarding rewrites SSRC, payload type and extensions per subscriber and leaves the packet as it was", () => {
  const counters = newCounters();
  const up = new UpTrack("t1", "pub", "0", "audio", "microphone", () => {}, counters);
  up.levelExtId = 3;
  const sentA: Sent[] = [];
  const sentB: Sent[] = [];
  const a = new DownTrack(up, "a", 111, 111, fakeTransport(sentA));
  const b = new DownTrack(up, "b", 222, 111, fakeTransport(sentB));
  up.addDown(a);
  up.addDown(b);
  a.ready = true;
  b.ready = true;
  const p = packet(500, 9000, 30);
  up.handleRtp(p);
  expect(sentA).toEqual([{ ssrc: 111, payloadType: 111, seq: 500, ts: 9000, extensions: 0 }]);
  expect(sentB).toEqual([{ ssrc: 222, payloadType: 111, seq: 500, ts: 9000, extensions: 0 }]);
  // The shared packet is as werift gave it: the ring buffer and other readers rely on it.
  expect(p.header.ssrc).toBe(0xaaaa);
  expect(p.header.payloadType).toBe(100);
  expect(p.header.extensions.length).toBe(1);
  expect(counters.forwardedPackets).toBe(2);
  expect(up.levelSum).toBe(127 - 30);
  expect(up.levelCount).toBe(1);
});

test("a muted track resumes with continuous sequence numbers; NACKs map back through the offset", () => {
  const counters = newCounters();
  const up = new UpTrack("t1", "pub", "0", "video", "camera", () => {}, counters);
  const sent: Sent[] = [];
  const down = new DownTrack(up, "s", 7, 96, fakeTransport(sent));
  up.addDown(down);
  down.ready = true;
  for (let seq = 100; seq < 105; seq++) up.handleRtp(packet(seq, seq * 10));
  up.setEnabled(false);
  for (let seq = 105; seq < 120; seq++) up.handleRtp(packet(seq, seq * 10));
  up.setEnabled(true);
  for (let seq = 120; seq < 123; seq++) up.handleRtp(packet(seq, seq * 10));
  expect(sent.map((s) => s.seq)).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
  expect(sent.at(-1)!.ts).toBe(1220); // timestamps keep real time across a mute
  // Outgoing 106 is incoming 121.
  sent.length = 0;
  up.retransmit(down, [106, 103, 999]);
  expect(sent.map((s) => s.seq)).toEqual([106]);
  expect(sent[0]!.ts).toBe(1210);
  expect(counters.retransmittedPackets).toBe(1);
});

test("a reused sender continues its numbering for the next track", () => {
  const counters = newCounters();
  const first = new UpTrack("t1", "pub", "0", "video", "camera", () => {}, counters);
  const second = new UpTrack("t2", "pub", "1", "video", "screen", () => {}, counters);
  const sent: Sent[] = [];
  const old = new DownTrack(first, "s", 7, 96, fakeTransport(sent));
  first.addDown(old);
  old.ready = true;
  first.handleRtp(packet(10, 1000));
  first.handleRtp(packet(11, 2000));
  const reused = new DownTrack(second, "s", 7, 96, fakeTransport(sent));
  reused.inherit(old);
  second.addDown(reused);
  reused.ready = true;
  second.handleRtp(packet(40000, 123456));
  expect(sent.map((s) => s.seq)).toEqual([10, 11, 12]);
  expect(sent[2]!.ts).toBe(2000 + 3000);
});

test("keyframe requests are limited per track and the last one is not lost", async () => {
  const sentPli: number[] = [];
  const up = new UpTrack("t1", "pub", "0", "video", "camera", (ssrc) => sentPli.push(ssrc), newCounters());
  up.requestKeyframe(); // before any packet: remembered until the SSRC is known
  expect(sentPli).toEqual([]);
  up.handleRtp(packet(1, 1));
  expect(sentPli).toEqual([0xaaaa]);
  for (let i = 0; i < 10; i++) up.requestKeyframe();
  expect(sentPli.length).toBe(1);
  // The ten asks collapse into one deferred request at the end of the interval.
  await waitUntil(() => sentPli.length === 2, "the deferred keyframe request");
  await Bun.sleep(KEYFRAME_REQUEST_INTERVAL_MS * 2);
  expect(sentPli.length).toBe(2);
  const audio = new UpTrack("t2", "pub", "1", "audio", "microphone", (ssrc) => sentPli.push(ssrc), newCounters());
  audio.handleRtp(packet(1, 1));
  audio.requestKeyframe();
  expect(sentPli.length).toBe(2);
  up.end();
});

test("the active speaker changes only after a steady lead", () => {
  const changes: (string | null)[] = [];
  const detector = new SpeakerDetector((peerId) => changes.push(peerId));
  const a = new UpTrack("a1", "a", "0", "audio", "microphone", () => {}, newCounters());
  const b = new UpTrack("b1", "b", "0", "audio", "microphone", () => {}, newCounters());
  const speak = (track: UpTrack, dbov: number) => {
    track.levelSum += 127 - dbov;
    track.levelCount += 1;
  };
  speak(a, 20);
  speak(b, 120);
  detector.tick([a, b]);
  expect(changes).toEqual(["a"]);
  speak(a, 100);
  speak(b, 10);
  detector.tick([a, b]);
  expect(changes).toEqual(["a"]); // one loud tick is not enough
  speak(b, 10);
  detector.tick([a, b]);
  expect(changes).toEqual(["a", "b"]);
  detector.tick([a, b]); // silence keeps the last speaker
  expect(changes).toEqual(["a", "b"]);
  b.enabled = false; // a muted track does not count
  speak(b, 0);
  detector.tick([a, b]);
  expect(detector.activePeerId).toBe("b");
  detector.forget("b");
  expect(changes).toEqual(["a", "b", null]);
});

test("port blocks are disjoint, counted and reusable", () => {
  const pool = new PortPool(40000, 40009, 3);
  expect(pool.blockSize).toBe(3);
  expect(pool.capacity).toBe(3);
  const blocks = [pool.lease(), pool.lease(), pool.lease()];
  expect(blocks).toEqual([
    [40000, 40002],
    [40003, 40005],
    [40006, 40008],
  ]);
  expect(pool.lease()).toBeNull();
  expect(pool.inUse).toBe(3);
  pool.release(blocks[1]!);
  pool.release(blocks[1]!);
  expect(pool.inUse).toBe(2);
  expect(pool.lease()).toEqual([40003, 40005]);
  expect(new PortPool(40000, 40009, 1).blockSize).toBe(2); // werift refuses min == max
  expect(() => new PortPool(40010, 40000, 2)).toThrow();
});

test("SDP candidate rules: announce, dedupe, drop mDNS and IPv6", () => {
  const local = [
    "v=0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "c=IN IP4 192.0.2.2",
    "a=mid:0",
    "a=candidate:1 1 udp 2130706431 192.0.2.2 40000 typ host",
    "a=candidate:2 1 udp 2130706431 10.1.1.1 40001 typ host",
    "a=candidate:3 1 udp 2130706431 127.0.0.1 40001 typ host",
    "a=candidate:4 1 udp 2130706431 fd00::2 40002 typ host",
    "a=candidate:5 1 tcp 1 192.0.2.2 40000 typ host tcptype passive",
    "a=sendonly",
  ].join("\r\n");
  const out = rewriteLocalSdp(local, { announcedAddress: "203.0.113.7", keepAddresses: ["127.0.0.1"] });
  expect(sdpCandidates(out).map((c) => c.split(" ").slice(2, 6).join(" "))).toEqual([
    "udp 2130706431 203.0.113.7 40000",
    "udp 2130706431 127.0.0.1 40001",
    "tcp 1 203.0.113.7 40000",
  ]);
  expect(out).toContain("c=IN IP4 203.0.113.7\r\n");
  expect(out.endsWith("\r\n")).toBe(true);

  const remote = "v=0\na=candidate:1 1 udp 1 abcd.local 5 typ host\na=candidate:2 1 udp 1 198.51.100.4 5 typ host\n";
  expect(sdpCandidates(cleanRemoteSdp(remote))).toEqual(["candidate:2 1 udp 1 198.51.100.4 5 typ host"]);
});

test("src/sfu imports only werift, Node built-ins, its own files and the Logger type", () => {
  const dir = join(import.meta.dir, "../../src/sfu");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const source = readFileSync(join(dir, file), "utf8");
    for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm)) {
      const specifier = match[3]!;
      const typeOnly = Boolean(match[2]);
      const allowed =
        specifier === "werift" ||
        specifier.startsWith("node:") ||
        (specifier.startsWith("./") && !specifier.includes("..")) ||
        (specifier === "../log/logger.ts" && typeOnly);
      expect({ file, specifier, allowed }).toEqual({ file, specifier, allowed: true });
    }
  }
});
