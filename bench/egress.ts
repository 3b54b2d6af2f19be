/**
 * What each step of the lean egress buys, in CPU microseconds per sent packet, measured on a
 * real werift DTLS-SRTP connection over 127.0.0.1 in one process (the receiver counts at its
 * socket and does nothing else, the same for every variant):
 *
 *   werift        RTCDtlsTransport.sendRtp (what the forwarder did before)
 *   protect       our SrtpProtector + werift's ICE send chain
 *   lean-1        our SrtpProtector + the native UDP send, one packet per sendmmsg (an idle server)
 *   lean-4        the same, four packets per socket per sendmmsg (src/sfu/egress.ts + batch.ts
 *                 under load; in bench/sfu.ts bursts of a frame's packets reach one socket)
 *   protect-only  our SrtpProtector, nothing sent (the crypto's share)
 *   send-only     the native UDP send of ready bytes (the kernel's and Bun's share)
 *
 * for both SRTP profiles: AEAD_AES_128_GCM (what two werift peers negotiate) and
 * AES_CM_128_HMAC_SHA1_80 (what Chrome negotiated; its session is swapped in on the sender,
 * so the receiver only counts those packets, it cannot decrypt them).
 *
 *   bun bench/egress.ts [--packets 20000] [--rounds 7]
 */

import { RtpHeader, RtpPacket, SrtpSession, type RTCDtlsTransport } from "werift";
import { flushBatches } from "../src/sfu/batch.ts";
import { RtpEgress, nativeUdpOf } from "../src/sfu/egress.ts";
import { SRTP_AES128_CM_HMAC_SHA1_80, SrtpProtector, writeRtpHeader } from "../src/sfu/srtp.ts";
import { createPeerConnection, forbidDefaultStun } from "../src/sfu/rtcconfig.ts";
import { testPeerSettings } from "../tests/sfu/helpers/peers.ts";
import { loadAverage } from "./proc.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PACKETS = option("--packets", 20000);
const ROUNDS = option("--rounds", 7);

/** Two connected werift peers; the receiver's sockets only count. */
async function pair(): Promise<{ transport: RTCDtlsTransport; received: () => number; close: () => Promise<void> }> {
  const sender = createPeerConnection(testPeerSettings("subscriber"));
  const receiver = createPeerConnection(testPeerSettings("subscriber"));
  sender.addTransceiver("video", { direction: "sendonly" });
  forbidDefaultStun(sender);
  await sender.setLocalDescription(await sender.createOffer());
  await receiver.setRemoteDescription(sender.localDescription!);
  forbidDefaultStun(receiver);
  await receiver.setLocalDescription(await receiver.createAnswer());
  await sender.setRemoteDescription(receiver.localDescription!);
  const deadline = Date.now() + 20_000;
  while (sender.connectionState !== "connected" || receiver.connectionState !== "connected") {
    if (Date.now() > deadline) throw new Error("the two peers did not connect");
    await Bun.sleep(20);
  }
  let count = 0;
  const connection = receiver.iceTransports[0]!.connection as unknown as { protocols: { transport?: { onData: (d: Buffer, a: unknown) => void } }[] };
  for (const protocol of connection.protocols) {
    const udp = protocol.transport;
    if (!udp) continue;
    const next = udp.onData;
    udp.onData = (data, addr) => {
      if ((data[0]! & 0xc0) === 0x80 && !(data[1]! >= 192 && data[1]! <= 223)) count++;
      else next(data, addr);
    };
  }
  return {
    transport: sender.dtlsTransports[0]!,
    received: () => count,
    close: async () => {
      await sender.close();
      await receiver.close();
    },
  };
}

type Variant = (transport: RTCDtlsTransport, packet: RtpPacket, seq: number) => void;

let egress = new RtpEgress();
let protector: SrtpProtector | null = null;
const scratch = Buffer.alloc(2048);

/** Our protector over the transport's current session keys. */
function protectorOf(transport: RTCDtlsTransport): SrtpProtector {
  const context = (transport.srtp as unknown as { localContext: { profile: number; srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer } }).localContext;
  return new SrtpProtector({ profile: context.profile, key: context.srtpSessionKey, salt: context.srtpSessionSalt, authKey: context.srtpSessionAuthTag });
}

function protect(transport: RTCDtlsTransport, packet: RtpPacket, seq: number): number {
  protector ??= protectorOf(transport);
  const h = packet.header;
  const headerBytes = writeRtpHeader(scratch, h.marker, h.payloadType, seq, h.timestamp, h.ssrc, h.csrc);
  return protector.protect(scratch, headerBytes, packet.payload, h.ssrc, seq, 0);
}

const variants: Record<string, Variant> = {
  werift(transport, packet, seq) {
    packet.header.sequenceNumber = seq;
    void transport.sendRtp(packet.payload, packet.header);
  },
  protect(transport, packet, seq) {
    const length = protect(transport, packet, seq);
    void transport.iceTransport.connection.send(Buffer.from(scratch.subarray(0, length))).catch(() => {});
  },
  "lean-1"(transport, packet, seq) {
    const h = packet.header;
    egress.send(transport, packet, h.payloadType, seq, h.timestamp, h.ssrc, 0);
    flushBatches();
  },
  "lean-4"(transport, packet, seq) {
    const h = packet.header;
    egress.send(transport, packet, h.payloadType, seq, h.timestamp, h.ssrc, 0);
    if (seq % 4 === 0) flushBatches();
  },
  "protect-only"(transport, packet, seq) {
    protect(transport, packet, seq);
  },
  "send-only"(transport) {
    const pair = (transport.iceTransport.connection as unknown as { nominated: { protocol: { transport: { socket: object } }; remoteAddr: [string, number] } }).nominated;
    nativeUdpOf(pair.protocol.transport.socket)!.send(scratch.subarray(0, 965), pair.remoteAddr[1], pair.remoteAddr[0]);
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const peers = await pair();
const packet = new RtpPacket(new RtpHeader({ payloadType: 96, ssrc: 0x1234, timestamp: 90000, marker: true }), Buffer.alloc(937, 0xab));
const negotiated = peers.transport.srtp;
const cm = new SrtpSession({
  keys: { localMasterKey: Buffer.alloc(16, 1), localMasterSalt: Buffer.alloc(14, 2), remoteMasterKey: Buffer.alloc(16, 3), remoteMasterSalt: Buffer.alloc(14, 4) },
  profile: SRTP_AES128_CM_HMAC_SHA1_80,
});
let seq = 0;
console.log(`egress bench: ${PACKETS} packets of ${packet.payload.length + 12} bytes x ${ROUNDS} rounds per variant, load average ${loadAverage()}`);
for (const [label, session] of [["AEAD_AES_128_GCM (negotiated)", negotiated], ["AES_CM_128_HMAC_SHA1_80", cm]] as const) {
  peers.transport.srtp = session;
  egress = new RtpEgress();
  protector = null;
  const results: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, send] of Object.entries(variants)) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < PACKETS; i++) {
        seq = (seq + 1) & 0xffff;
        send(peers.transport, packet, seq);
        // Let queued sends and the receiver's events run now and then, as an event loop would.
        if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
      }
      await Bun.sleep(50);
      const used = process.cpuUsage(cpu);
      (results[name] ??= []).push((used.user + used.system) / PACKETS);
    }
  }
  console.log(`${label}: variant, CPU us per packet (median of ${ROUNDS}), ratio to werift`);
  const base = median(results.werift!);
  for (const [name, values] of Object.entries(results)) {
    console.log(`  ${name.padEnd(13)} ${median(values).toFixed(2).padStart(6)}  ${(median(values) / base).toFixed(2)}`);
  }
}
console.log(`packets counted by the receiver: ${peers.received()}; load average ${loadAverage()}`);
await peers.close();
process.exit(0);
