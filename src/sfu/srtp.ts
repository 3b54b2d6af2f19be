/**
 * SRTP protection of outgoing RTP for the forwarding hot path. werift's SrtpContext builds
 * every packet from an RtpHeader object (serialise, BigInt counter, a fresh HMAC with its key
 * schedule, three concatenations); this writes the 12-byte header straight into the caller's
 * scratch buffer, encrypts the payload behind it and appends the tag, with the keys and the
 * HMAC pads prepared once per session. The bytes are the same as werift's (tests compare).
 */

import { createCipheriv, createHash, type Hash } from "node:crypto";

/** SRTP protection profiles (RFC 5764, RFC 7714) as DTLS-SRTP negotiates them. */
export const SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
export const SRTP_AEAD_AES_128_GCM = 0x0007;

/** Bytes an SRTP packet is longer than its RTP packet, at most (the GCM tag). */
export const SRTP_OVERHEAD = 16;

const HMAC_BLOCK = 64;
const CM_TAG_BYTES = 10;

/** The session keys of one direction of an SRTP session (derived by the DTLS handshake). */
export interface SrtpKeys {
  profile: number;
  /** 16-byte session encryption key. */
  key: Uint8Array;
  /** Session salt: 14 bytes for AES-CM, 12 for GCM. */
  salt: Uint8Array;
  /** 20-byte session authentication key (AES-CM only). */
  authKey?: Uint8Array;
}

/** Writes an RTP fixed header (V=2, no padding, no extension) and the CSRCs; returns its length. */
export function writeRtpHeader(
  out: Uint8Array,
  marker: boolean,
  payloadType: number,
  sequenceNumber: number,
  timestamp: number,
  ssrc: number,
  csrc: readonly number[],
): number {
  const cc = csrc.length & 0x0f;
  out[0] = 0x80 | cc;
  out[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  out[2] = (sequenceNumber >>> 8) & 0xff;
  out[3] = sequenceNumber & 0xff;
  out[4] = timestamp >>> 24;
  out[5] = (timestamp >>> 16) & 0xff;
  out[6] = (timestamp >>> 8) & 0xff;
  out[7] = timestamp & 0xff;
  out[8] = ssrc >>> 24;
  out[9] = (ssrc >>> 16) & 0xff;
  out[10] = (ssrc >>> 8) & 0xff;
  out[11] = ssrc & 0xff;
  let offset = 12;
  for (let i = 0; i < cc; i++) {
    const c = csrc[i]!;
    out[offset] = c >>> 24;
    out[offset + 1] = (c >>> 16) & 0xff;
    out[offset + 2] = (c >>> 8) & 0xff;
    out[offset + 3] = c & 0xff;
    offset += 4;
  }
  return offset;
}

/** XORs a big-endian 32-bit value into `iv` at `offset` (the salt is already there). */
function xor32(iv: Uint8Array, offset: number, value: number): void {
  iv[offset] = iv[offset]! ^ (value >>> 24);
  iv[offset + 1] = iv[offset + 1]! ^ ((value >>> 16) & 0xff);
  iv[offset + 2] = iv[offset + 2]! ^ ((value >>> 8) & 0xff);
  iv[offset + 3] = iv[offset + 3]! ^ (value & 0xff);
}

/** Protects RTP packets of one SRTP session direction into a caller's buffer. */
export class SrtpProtector {
  readonly profile: number;
  private readonly key: Buffer;
  private readonly salt: Buffer;
  private readonly iv: Buffer;
  /** HMAC-SHA1 state after the inner and outer pads: copying them skips the key schedule. */
  private readonly innerPad: Hash | null = null;
  private readonly outerPad: Hash | null = null;

  /** Prepares the keys; throws for a profile we cannot protect (the caller falls back). */
  constructor(keys: SrtpKeys) {
    this.profile = keys.profile;
    this.key = Buffer.from(keys.key);
    this.salt = Buffer.from(keys.salt);
    if (keys.profile === SRTP_AES128_CM_HMAC_SHA1_80) {
      if (!keys.authKey || keys.authKey.length > HMAC_BLOCK) throw new Error("AES-CM needs an authentication key");
      this.iv = Buffer.alloc(16);
      const inner = Buffer.alloc(HMAC_BLOCK, 0x36);
      const outer = Buffer.alloc(HMAC_BLOCK, 0x5c);
      for (let i = 0; i < keys.authKey.length; i++) {
        inner[i] = inner[i]! ^ keys.authKey[i]!;
        outer[i] = outer[i]! ^ keys.authKey[i]!;
      }
      this.innerPad = createHash("sha1").update(inner);
      this.outerPad = createHash("sha1").update(outer);
    } else if (keys.profile === SRTP_AEAD_AES_128_GCM) {
      this.iv = Buffer.alloc(12);
    } else {
      throw new Error(`unsupported SRTP profile ${keys.profile}`);
    }
  }

  /**
   * Protects the RTP packet whose header is already in `out[0, headerBytes)` and whose payload
   * is `payload`, for rollover counter `roc`; returns the SRTP length in `out`. `out` must hold
   * headerBytes + payload.length + SRTP_OVERHEAD + 4 bytes.
   */
  protect(out: Buffer, headerBytes: number, payload: Uint8Array, ssrc: number, sequenceNumber: number, roc: number): number {
    const iv = this.iv;
    this.salt.copy(iv, 0, 0, iv.length);
    if (this.innerPad !== null) {
      // RFC 3711 4.1.1: IV = salt·2^16 XOR SSRC·2^64 XOR index·2^16, index = ROC·2^16 + SEQ.
      xor32(iv, 4, ssrc);
      xor32(iv, 8, roc);
      iv[12] = iv[12]! ^ ((sequenceNumber >>> 8) & 0xff);
      iv[13] = iv[13]! ^ (sequenceNumber & 0xff);
      const cipher = createCipheriv("aes-128-ctr", this.key, iv);
      const end = headerBytes + cipher.update(payload).copy(out, headerBytes);
      // The tag covers header, ciphertext and the ROC (RFC 3711 4.2), written behind for one update.
      out[end] = roc >>> 24;
      out[end + 1] = (roc >>> 16) & 0xff;
      out[end + 2] = (roc >>> 8) & 0xff;
      out[end + 3] = roc & 0xff;
      const inner = this.innerPad.copy().update(out.subarray(0, end + 4)).digest();
      this.outerPad!.copy().update(inner).digest().copy(out, end, 0, CM_TAG_BYTES);
      return end + CM_TAG_BYTES;
    }
    // RFC 7714 8.1: IV = salt XOR (00 00 || SSRC || ROC || SEQ); the header is the AAD.
    xor32(iv, 2, ssrc);
    xor32(iv, 6, roc);
    iv[10] = iv[10]! ^ ((sequenceNumber >>> 8) & 0xff);
    iv[11] = iv[11]! ^ (sequenceNumber & 0xff);
    const cipher = createCipheriv("aes-128-gcm", this.key, iv);
    cipher.setAAD(out.subarray(0, headerBytes));
    const end = headerBytes + cipher.update(payload).copy(out, headerBytes);
    cipher.final();
    return end + cipher.getAuthTag().copy(out, end);
  }
}

/** The rollover counter for `seq` on a stream whose highest sequence number is `highest` at `roc`. */
export function rolloverFor(seq: number, highest: number, roc: number): number {
  // A number "after" the highest by more than half the space was sent before the last wrap.
  if (seq > highest && seq - highest > 0x8000) return roc > 0 ? roc - 1 : 0;
  if (seq < highest && highest - seq > 0x8000) return roc + 1;
  return roc;
}
