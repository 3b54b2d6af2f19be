/**
 * The lowest send that is still correct: RTP for one subscriber is written and SRTP-protected
 * (with the keys werift's DTLS handshake derived) into the batch slab, and leaves with the
 * turn's other packets for the same socket (batch.ts) from the UDP socket of the ICE pair
 * werift nominated. werift's RTCDtlsTransport.sendRtp serialises a header object, protects
 * through fresh cipher and HMAC objects with a BigInt counter, and goes through three nested
 * async sends and node:dgram's DNS-lookup path for every packet (bench/egress.ts measures).
 *
 * Everything else stays werift's: ICE (checks, consent, restarts), DTLS, SRTCP (SR, PLI,
 * REMB, NACK arrive and leave through it). The send is refused while werift would refuse it
 * (no consent), and falls back to werift's own path when the pair is not plain UDP (ICE-TCP)
 * or the runtime's socket is not the one we know.
 */

import { RtpHeader, type RTCDtlsTransport, type RtpPacket } from "werift";
import { enqueue, queueFor, reserve, type NativeUdp, type Queue } from "./batch.ts";
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

/** Finds the native socket inside a node:dgram socket (Bun keeps it in a symbol-keyed state). */
export function nativeUdpOf(socket: object | undefined): NativeUdp | null {
  if (!socket) return null;
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as Record<symbol, { handle?: { socket?: { send?: unknown; sendMany?: unknown } } } | undefined>)[symbol];
    const native = state?.handle?.socket;
    if (native && typeof native.send === "function" && typeof native.sendMany === "function") return native as NativeUdp;
  }
  return null;
}

/** Sends RTP to one subscriber over one werift DTLS transport. */
export class RtpEgress {
  private transport: RTCDtlsTransport | null = null;
  private session: unknown = null;
  private protector: SrtpProtector | null = null;
  private pair: unknown = null;
  private queue: Queue | null = null;
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
    const out = reserve(12 + 4 * csrc.length + payload.length + SRTP_OVERHEAD + 4);
    const headerBytes = writeRtpHeader(out, header.marker, payloadType, sequenceNumber, timestamp, ssrc, csrc);
    const length = protector.protect(out, headerBytes, payload, ssrc, sequenceNumber, roc);
    if (this.queue === null) {
      // ICE-TCP or an unknown socket: werift's send is asynchronous, so it gets its own copy.
      void connection.send(Buffer.from(out.subarray(0, length))).catch(() => {});
      return true;
    }
    enqueue(this.queue, out, length, this.port, this.address);
    return true;
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
    const native = udp && !udp.closed ? nativeUdpOf(udp.socket) : null;
    this.queue = native ? queueFor(native) : null;
    this.address = pair?.remoteAddr[0] ?? "";
    this.port = pair?.remoteAddr[1] ?? 0;
  }
}
