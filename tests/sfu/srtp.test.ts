/**
 * The lean egress path: our RTP header writer and SRTP protection must give exactly the bytes
 * werift's own SrtpSession gives (both profiles, rollover, CSRCs), and werift must decrypt
 * them; the native UDP sends must copy the bytes before the buffers are reused, and batches
 * leave once per socket per turn of the event loop.
 */

import { expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import { RtpHeader, SrtpSession } from "werift";
import { batchStats, enqueue, queueFor, reserve } from "../../src/sfu/batch.ts";
import { nativeUdpOf } from "../../src/sfu/egress.ts";
import { SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80, SRTP_OVERHEAD, SrtpProtector, rolloverFor, writeRtpHeader } from "../../src/sfu/srtp.ts";

const PROFILES = [
  { name: "AES_CM_128_HMAC_SHA1_80", profile: SRTP_AES128_CM_HMAC_SHA1_80, saltBytes: 14 },
  { name: "AEAD_AES_128_GCM", profile: SRTP_AEAD_AES_128_GCM, saltBytes: 12 },
] as const;

/** A sending and a receiving werift session over the same made-up master keys. */
function sessions(profile: number, saltBytes: number): { sender: SrtpSession; receiver: SrtpSession } {
  const a = { key: Buffer.alloc(16, 0x11), salt: Buffer.alloc(saltBytes, 0x22) };
  const b = { key: Buffer.alloc(16, 0x33), salt: Buffer.alloc(saltBytes, 0x44) };
  const keys = (local: typeof a, remote: typeof a) => ({
    localMasterKey: local.key,
    localMasterSalt: local.salt,
    remoteMasterKey: remote.key,
    remoteMasterSalt: remote.salt,
  });
  return {
    sender: new SrtpSession({ keys: keys(a, b), profile }),
    receiver: new SrtpSession({ keys: keys(b, a), profile }),
  };
}

function protectorFor(session: SrtpSession): SrtpProtector {
  const context = session.localContext as unknown as { profile: number; srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer };
  return new SrtpProtector({ profile: context.profile, key: context.srtpSessionKey, salt: context.srtpSessionSalt, authKey: context.srtpSessionAuthTag });
}

function ours(protector: SrtpProtector, h: { marker: boolean; payloadType: number; sequenceNumber: number; timestamp: number; ssrc: number; csrc: number[] }, payload: Buffer, roc: number): Buffer {
  const out = Buffer.alloc(12 + 4 * h.csrc.length + payload.length + SRTP_OVERHEAD + 4, 0xee);
  const headerBytes = writeRtpHeader(out, h.marker, h.payloadType, h.sequenceNumber, h.timestamp, h.ssrc, h.csrc);
  return Buffer.from(out.subarray(0, protector.protect(out, headerBytes, payload, h.ssrc, h.sequenceNumber, roc)));
}

test("the RTP header we write is werift's serialisation (marker, payload type, CSRCs, big numbers)", () => {
  for (const h of [
    { marker: true, payloadType: 96, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, csrc: [] },
    { marker: false, payloadType: 111, sequenceNumber: 0, timestamp: 1, ssrc: 1, csrc: [0x01020304, 0xa0b0c0d0] },
  ]) {
    const out = Buffer.alloc(64);
    const length = writeRtpHeader(out, h.marker, h.payloadType, h.sequenceNumber, h.timestamp, h.ssrc, h.csrc);
    const header = new RtpHeader({ ...h });
    expect(out.subarray(0, length).equals(header.serialize(header.serializeSize))).toBe(true);
  }
});

for (const { name, profile, saltBytes } of PROFILES) {
  test(`${name}: our SRTP packets are byte for byte werift's, across a sequence number wrap`, () => {
    const { sender, receiver } = sessions(profile, saltBytes);
    const protector = protectorFor(sender);
    let roc = 0;
    let highest = 65530;
    for (let i = 0; i < 12; i++) {
      const sequenceNumber = (65530 + i) & 0xffff;
      roc = rolloverFor(sequenceNumber, highest, roc);
      highest = sequenceNumber;
      const h = { marker: i % 3 === 0, payloadType: 96, sequenceNumber, timestamp: 3000 * i, ssrc: 0x12345678, csrc: [] as number[] };
      const payload = Buffer.alloc(100 + i * 37, i);
      const expected = sender.encrypt(payload, new RtpHeader({ ...h }));
      expect(ours(protector, h, payload, roc).equals(expected)).toBe(true);
      const plain = receiver.decrypt(expected);
      expect(plain.subarray(12).equals(payload)).toBe(true);
    }
    expect(roc).toBe(1);
  });

  test(`${name}: a packet resent from before the wrap uses the old rollover counter and still decrypts`, () => {
    const { sender, receiver } = sessions(profile, saltBytes);
    const protector = protectorFor(sender);
    const h = (sequenceNumber: number) => ({ marker: false, payloadType: 96, sequenceNumber, timestamp: 90, ssrc: 7, csrc: [] as number[] });
    const payload = Buffer.alloc(300, 0x5a);
    // 65534 and 65535 at ROC 0, then 0..3 at ROC 1; resend 65535 after 3.
    for (const seq of [65534, 65535, 0, 1, 2, 3]) receiver.decrypt(ours(protector, h(seq), payload, seq > 60000 ? 0 : 1));
    const again = ours(protector, h(65535), payload, rolloverFor(65535, 3, 1));
    expect(receiver.decrypt(again).subarray(12).equals(payload)).toBe(true);
  });
}

test("a tampered packet of ours fails werift's authentication", () => {
  const { sender, receiver } = sessions(SRTP_AES128_CM_HMAC_SHA1_80, 14);
  const packet = ours(protectorFor(sender), { marker: false, payloadType: 96, sequenceNumber: 5, timestamp: 5, ssrc: 5, csrc: [] }, Buffer.alloc(50, 1), 0);
  packet[20]! ^= 0xff;
  expect(() => receiver.decrypt(packet)).toThrow();
});

test("an SRTP profile we do not implement is refused at construction, never at send", () => {
  expect(() => new SrtpProtector({ profile: 0x0002, key: Buffer.alloc(16), salt: Buffer.alloc(14) })).toThrow("unsupported SRTP profile");
  expect(() => new SrtpProtector({ profile: SRTP_AES128_CM_HMAC_SHA1_80, key: Buffer.alloc(16), salt: Buffer.alloc(14) })).toThrow();
});

test("rolloverFor: forward, wrap, and a late packet from before the wrap", () => {
  expect(rolloverFor(101, 100, 0)).toBe(0);
  expect(rolloverFor(2, 65530, 0)).toBe(1);
  expect(rolloverFor(65530, 2, 1)).toBe(0);
  expect(rolloverFor(65530, 2, 0)).toBe(0);
  expect(rolloverFor(50, 100, 3)).toBe(3);
});

test("the native UDP send under node:dgram copies the bytes at once, so the scratch buffer can be reused", async () => {
  const receiver = createSocket("udp4");
  const got: Buffer[] = [];
  receiver.on("message", (data) => got.push(data));
  await new Promise<void>((resolve) => receiver.bind(0, "127.0.0.1", () => resolve()));
  const sender = createSocket("udp4");
  await new Promise<void>((resolve) => sender.bind(0, "127.0.0.1", () => resolve()));
  const native = nativeUdpOf(sender);
  expect(native).not.toBeNull();
  const scratch = Buffer.alloc(32);
  for (let i = 0; i < 5; i++) {
    scratch.fill(i);
    expect(native!.send(scratch.subarray(0, 10 + i), receiver.address().port, "127.0.0.1")).toBe(true);
  }
  scratch.fill(0xff);
  const deadline = Date.now() + 5000;
  while (got.length < 5 && Date.now() < deadline) await Bun.sleep(10);
  expect(got.map((b) => [b.length, b[0]])).toEqual([0, 1, 2, 3, 4].map((i) => [10 + i, i]));
  sender.close();
  receiver.close();
});

test("datagrams queued for two sockets in one turn leave in one sendmmsg each, in order, and the slab is reused", async () => {
  const receiver = createSocket("udp4");
  const got: number[] = [];
  receiver.on("message", (data) => got.push(data[0]!));
  await new Promise<void>((resolve) => receiver.bind(0, "127.0.0.1", () => resolve()));
  const senders = [createSocket("udp4"), createSocket("udp4")];
  for (const s of senders) await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", () => resolve()));
  const queues = senders.map((s) => queueFor(nativeUdpOf(s)!));
  const port = receiver.address().port;
  for (let turn = 0; turn < 2; turn++) {
    const calls = batchStats.calls;
    for (let i = 0; i < 6; i++) {
      const out = reserve(100);
      out.fill(turn * 10 + i);
      enqueue(queues[i % 2]!, out, 20 + i, port, "127.0.0.1");
    }
    // Nothing leaves before the turn ends; then one call per socket.
    expect(batchStats.calls).toBe(calls);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batchStats.calls).toBe(calls + 2);
  }
  const deadline = Date.now() + 5000;
  while (got.length < 12 && Date.now() < deadline) await Bun.sleep(10);
  // Per socket in order; the second turn's bytes did not overwrite the first's.
  expect(got.filter((v) => v % 2 === 0)).toEqual([0, 2, 4, 10, 12, 14]);
  expect(got.filter((v) => v % 2 === 1)).toEqual([1, 3, 5, 11, 13, 15]);
  for (const s of senders) s.close();
  receiver.close();
});
