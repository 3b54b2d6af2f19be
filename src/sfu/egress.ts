/**
 * The lowest send that is still correct: RTP for one subscriber goes from our scratch buffer,
 * SRTP-protected with the keys werift's DTLS handshake derived, straight to the UDP socket of
 * the ICE pair werift nominated. werift's RTCDtlsTransport.sendRtp costs about three times
 * as much (header object serialised, SRTP through fresh cipher and HMAC objects, three
 * nested async sends, an address check and a DNS-lookup closure per packet in node:dgram).
 *
 * Everything else stays werift's: ICE (checks, consent, restarts), DTLS, SRTCP (SR, PLI,
 * REMB, NACK arrive and leave through it). The send is refused while werift would refuse it
 * (no consent), and falls back to werift's own path when the pair is not plain UDP (ICE-TCP)
 * or the runtime's socket is not the one we know.
 */

import { RtpHeader, type RTCDtlsTransport, type RtpPacket } from "werift";
import { SRTP_OVERHEAD, SrtpProtector, writeRtpHeader } from "./srtp.ts";

/** What we read of werift's ICE connection (not in its public types). */
interface IceConnection {
  nominated?: { protocol: { type?: string; transport?: { type?: string; closed?: boolean; socket?: object } }; remoteAddr: [string, number] };
  canSendApplicationData(): boolean;
  send(data: Buffer): Promise<void>;
}

/** What we read of werift's SRTP session: the local (sending) context's session keys. */
interface SrtpSessionKeys {
  localContext: { profile: number; srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag?: Buffer };
}

/** Bun's native UDP socket under node:dgram: a synchronous send that copies the bytes. */
interface NativeUdp {
  send(data: Uint8Array, port: number, address: string): boolean;
}

/** Scratch space shared by every send: the hot path is synchronous, one packet at a time. */
let scratch = Buffer.alloc(2048);

/** Finds the native socket inside a node:dgram socket (Bun keeps it in a symbol-keyed state). */
export function nativeUdpOf(socket: object | undefined): NativeUdp | null {
  if (!socket) return null;
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as Record<symbol, { handle?: { socket?: { send?: unknown } } } | undefined>)[symbol];
    const native = state?.handle?.socket;
    if (native && typeof native.send === "function") return native as NativeUdp;
  }
  return null;
}

/** Sends RTP to one subscriber over one werift DTLS transport. */
export class RtpEgress {
  private transport: RTCDtlsTransport | null = null;
  private session: unknown = null;
  private protector: SrtpProtector | null = null;
  private pair: unknown = null;
  private native: NativeUdp | null = null;
  private address = "";
  private port = 0;

  /**
   * Sends the publisher's `packet` (its marker, CSRCs and payload) under this subscriber's
   * payload type, numbering and SSRC; false when it could not go out (no keys, no consent).
   */
  send(transport: RTCDtlsTransport, packet: RtpPacket, payloadType: number, sequenceNumber: number, timestamp: number, ssrc: number, roc: number): boolean {
    // Undefined until DTLS is up, whatever werift's types say.
    const session: unknown = transport.srtp;
    if (session === undefined) return false;
    if (transport !== this.transport || session !== this.session) this.useSession(transport, session);
    const connection = transport.iceTransport.connection as unknown as IceConnection;
    if (!connection.canSendApplicationData()) return false;
    const pair = connection.nominated;
    if (pair !== this.pair) this.usePair(pair);
    const header = packet.header;
    const protector = this.protector;
    if (protector === null) {
      // A profile we do not implement: werift protects and sends a header of its own.
      const own = new RtpHeader({ marker: header.marker, payloadType, sequenceNumber, timestamp, ssrc, csrc: header.csrc });
      void transport.sendRtp(packet.payload, own);
      return true;
    }
    const csrc = header.csrc;
    const payload = packet.payload;
    const needed = 12 + 4 * csrc.length + payload.length + SRTP_OVERHEAD + 4;
    if (scratch.length < needed) scratch = Buffer.alloc(needed * 2);
    const out = scratch;
    const headerBytes = writeRtpHeader(out, header.marker, payloadType, sequenceNumber, timestamp, ssrc, csrc);
    const length = protector.protect(out, headerBytes, payload, ssrc, sequenceNumber, roc);
    const native = this.native;
    if (native === null) {
      // ICE-TCP or an unknown socket: werift's send is asynchronous, so it gets its own copy.
      void connection.send(Buffer.from(out.subarray(0, length))).catch(() => {});
      return true;
    }
    try {
      return native.send(out.subarray(0, length), this.port, this.address);
    } catch {
      // The socket closed under us (peer leaving); the next packet sees the new pair or none.
      this.pair = null;
      return false;
    }
  }

  private useSession(transport: RTCDtlsTransport, session: unknown): void {
    this.transport = transport;
    this.session = session;
    this.pair = null;
    const context = (session as SrtpSessionKeys).localContext;
    try {
      this.protector = new SrtpProtector({
        profile: context.profile,
        key: context.srtpSessionKey,
        salt: context.srtpSessionSalt,
        authKey: context.srtpSessionAuthTag,
      });
    } catch {
      this.protector = null;
    }
  }

  private usePair(pair: IceConnection["nominated"]): void {
    this.pair = pair;
    const udp = pair?.protocol.type === "stun" && pair.protocol.transport?.type === "udp" ? pair.protocol.transport : null;
    this.native = udp && !udp.closed ? nativeUdpOf(udp.socket) : null;
    this.address = pair?.remoteAddr[0] ?? "";
    this.port = pair?.remoteAddr[1] ?? 0;
  }
}
