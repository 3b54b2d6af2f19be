/**
 * The per-packet path. An UpTrack is one published track; each subscriber of it has a
 * DownTrack. werift parses and decrypts each incoming packet once; for each subscriber we
 * then write a fresh 12-byte header (its SSRC, payload type, sequence number, timestamp; no
 * header extensions: the publisher's IDs mean nothing there) into one shared scratch buffer,
 * SRTP-protect the payload behind it and hand it to the UDP socket (egress.ts). No per-
 * subscriber object, no header object, no promise, no logging, no lookup by string.
 */

import {
  RtcpSenderInfo,
  RtcpSrPacket,
  type RTCDtlsTransport,
  type RtpPacket,
} from "werift";
import { RtpEgress } from "./egress.ts";
import { rolloverFor } from "./srtp.ts";
import type { TrackKind, TrackSource } from "./types.ts";

/** Packets kept per video track to answer NACKs: ~2.5 s at 400 packets/s. */
const RING_SIZE = 1024;
const RING_MASK = RING_SIZE - 1;

/** At most one keyframe request per track in this window; later ones are deferred into it. */
export const KEYFRAME_REQUEST_INTERVAL_MS = 500;

/** Counters shared by every track of one SFU; plain numbers, bumped on the hot path. */
export interface ForwardCounters {
  forwardedPackets: number;
  forwardedBytes: number;
  retransmittedPackets: number;
  nacksReceived: number;
  keyframeRequestsSent: number;
}

/** Creates zeroed counters. */
export function newCounters(): ForwardCounters {
  return { forwardedPackets: 0, forwardedBytes: 0, retransmittedPackets: 0, nacksReceived: 0, keyframeRequestsSent: 0 };
}

/** One subscriber's view of one UpTrack: its own SSRC, payload type and numbering. */
export class DownTrack {
  /** Negotiated and DTLS-connected: packets may be sent. */
  ready = false;
  /** The next forwarded packet re-derives the offsets (start, resume after mute). */
  private restart = true;
  /** Set when this sender slot carried another track before: timestamps must move on. */
  private newSource = false;
  seqOffset = 0;
  tsOffset = 0;
  lastSeqOut = 0;
  lastTsOut = 0;
  /** First outgoing sequence number of the current mapping: older NACKs cannot be mapped. */
  firstSeqOut = 0;
  packets = 0;
  octets = 0;
  /** SRTP rollover counter of the outgoing numbering (wraps of lastSeqOut). */
  roc = 0;
  private readonly egress = new RtpEgress();

  /** Creates a down track sending as `ssrc` with `payloadType` over `transport`. */
  constructor(
    readonly up: UpTrack,
    readonly subscriberPeerId: string,
    readonly ssrc: number,
    readonly payloadType: number,
    public transport: RTCDtlsTransport,
  ) {}

  /** Continues the numbering of a previous DownTrack on the same sender (m-line reuse). */
  inherit(previous: DownTrack): void {
    if (previous.packets === 0) return;
    this.lastSeqOut = previous.lastSeqOut;
    this.lastTsOut = previous.lastTsOut;
    this.roc = previous.roc;
    this.packets = previous.packets;
    this.octets = previous.octets;
    this.newSource = true;
  }

  /** Makes the next packet start a new mapping (after mute, or when first made ready). */
  markRestart(): void {
    this.restart = true;
  }

  /** Derives offsets so that the subscriber sees one continuous stream on its SSRC. */
  begin(seq: number, ts: number): void {
    if (this.packets > 0) {
      this.seqOffset = (this.lastSeqOut + 1 - seq) & 0xffff;
      if (this.newSource) this.tsOffset = (this.lastTsOut + 3000 - ts) >>> 0;
    }
    this.newSource = false;
    this.firstSeqOut = (seq + this.seqOffset) & 0xffff;
    this.restart = false;
  }

  /** Sends the publisher's packet `seq`/`ts` as the next packet of this subscriber's stream. */
  send(packet: RtpPacket, seq: number, ts: number): void {
    if (this.restart) this.begin(seq, ts);
    const seqOut = (seq + this.seqOffset) & 0xffff;
    const tsOut = (ts + this.tsOffset) >>> 0;
    if (this.packets > 0) this.roc = rolloverFor(seqOut, this.lastSeqOut, this.roc);
    this.lastSeqOut = seqOut;
    this.lastTsOut = tsOut;
    this.packets++;
    this.octets += packet.payload.length;
    this.egress.send(this.transport, packet, this.payloadType, seqOut, tsOut, this.ssrc, this.roc);
  }

  /** Sends a buffered packet again under the numbering it was first sent with. */
  resend(packet: RtpPacket): void {
    const header = packet.header;
    const seqOut = (header.sequenceNumber + this.seqOffset) & 0xffff;
    const tsOut = (header.timestamp + this.tsOffset) >>> 0;
    const roc = rolloverFor(seqOut, this.lastSeqOut, this.roc);
    this.egress.send(this.transport, packet, this.payloadType, seqOut, tsOut, this.ssrc, roc);
  }
}

/** One published track and its fan-out. */
export class UpTrack {
  readonly downs: DownTrack[] = [];
  /** Owner mute: false stops forwarding (packets are still buffered for a quick resume). */
  enabled = true;
  ended = false;
  /** Media SSRC, known from the first packet; 0 until then. */
  ssrc = 0;
  /** Header extension id of ssrc-audio-level in the publisher's negotiation, 0 if none. */
  levelExtId = 0;
  /** Sum of (127 - level) and count since the last speaker tick: loudness, no allocation. */
  levelSum = 0;
  levelCount = 0;
  private readonly ring: (RtpPacket | undefined)[] | null;
  private lastKeyframeRequest = -Infinity;
  /** A keyframe was wanted before the first packet told us the SSRC. */
  private keyframeWanted = false;
  private keyframeTimer: ReturnType<typeof setTimeout> | null = null;

  /** Creates a track; `sendPli` asks the publisher for a keyframe for a media SSRC. */
  constructor(
    readonly trackId: string,
    readonly peerId: string,
    readonly mid: string,
    readonly kind: TrackKind,
    readonly source: TrackSource,
    private readonly sendPli: (mediaSsrc: number) => void,
    private readonly counters: ForwardCounters,
  ) {
    this.ring = kind === "video" ? new Array<RtpPacket | undefined>(RING_SIZE) : null;
  }

  /** Receives one RTP packet from the publisher and forwards it to every ready subscriber. */
  handleRtp(packet: RtpPacket): void {
    const header = packet.header;
    if (this.ssrc === 0) {
      this.ssrc = header.ssrc;
      if (this.keyframeWanted) this.requestKeyframe();
    }
    const seq = header.sequenceNumber;
    if (this.ring !== null) this.ring[seq & RING_MASK] = packet;
    const extensions = header.extensions;
    if (this.levelExtId !== 0) {
      for (let i = 0; i < extensions.length; i++) {
        const ext = extensions[i]!;
        if (ext.id === this.levelExtId && ext.payload.length > 0) {
          this.levelSum += 127 - (ext.payload[0]! & 0x7f);
          this.levelCount++;
          break;
        }
      }
    }
    if (!this.enabled || this.ended) return;
    const downs = this.downs;
    const n = downs.length;
    const ts = header.timestamp;
    let sent = 0;
    for (let i = 0; i < n; i++) {
      const down = downs[i]!;
      if (!down.ready) continue;
      down.send(packet, seq, ts);
      sent++;
    }
    this.counters.forwardedPackets += sent;
    this.counters.forwardedBytes += sent * packet.payload.length;
  }

  /** Answers a subscriber's NACK from the ring buffer, for the packets still held. */
  retransmit(down: DownTrack, lost: readonly number[]): void {
    this.counters.nacksReceived++;
    if (this.ring === null || !down.ready || !this.enabled) return;
    for (const seqOut of lost) {
      // Only sequence numbers of the current mapping and not in the future can be mapped.
      if (((seqOut - down.firstSeqOut) & 0xffff) >= 0x8000) continue;
      if (((down.lastSeqOut - seqOut) & 0xffff) >= 0x8000) continue;
      const seqIn = (seqOut - down.seqOffset) & 0xffff;
      const packet = this.ring[seqIn & RING_MASK];
      if (!packet || packet.header.sequenceNumber !== seqIn) continue;
      down.resend(packet);
      this.counters.retransmittedPackets++;
    }
  }

  /** Asks the publisher for a keyframe, at most once per interval; extra asks are merged. */
  requestKeyframe(): void {
    if (this.kind !== "video" || this.ended) return;
    const now = performance.now();
    const wait = this.lastKeyframeRequest + KEYFRAME_REQUEST_INTERVAL_MS - now;
    if (wait <= 0) {
      this.sendKeyframeRequest(now);
      return;
    }
    if (this.keyframeTimer !== null) return;
    this.keyframeTimer = setTimeout(() => {
      this.keyframeTimer = null;
      this.sendKeyframeRequest(performance.now());
    }, wait);
  }

  private sendKeyframeRequest(now: number): void {
    if (this.ended) return;
    this.keyframeWanted = this.ssrc === 0;
    if (this.keyframeWanted) return;
    this.lastKeyframeRequest = now;
    this.counters.keyframeRequestsSent++;
    this.sendPli(this.ssrc);
  }

  /** Passes the publisher's sender report on, mapped to each subscriber's SSRC and clock. */
  forwardSenderReport(report: RtcpSrPacket): void {
    for (const down of this.downs) {
      if (!down.ready || down.packets === 0) continue;
      const sr = new RtcpSrPacket({
        ssrc: down.ssrc,
        senderInfo: new RtcpSenderInfo({
          ntpTimestamp: report.senderInfo.ntpTimestamp,
          rtpTimestamp: (report.senderInfo.rtpTimestamp + down.tsOffset) >>> 0,
          packetCount: down.packets >>> 0,
          octetCount: down.octets >>> 0,
        }),
      });
      down.transport.sendRtcp([sr]).catch(() => {});
    }
  }

  /** Starts or stops forwarding; resuming restarts numbering and asks for a keyframe. */
  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled) return;
    this.enabled = enabled;
    if (!enabled) return;
    for (const down of this.downs) down.markRestart();
    this.requestKeyframe();
  }

  /** Adds a subscriber's down track (it starts forwarding once marked ready). */
  addDown(down: DownTrack): void {
    this.downs.push(down);
  }

  /** Removes a subscriber's down track. */
  removeDown(down: DownTrack): void {
    const index = this.downs.indexOf(down);
    if (index >= 0) this.downs.splice(index, 1);
    down.ready = false;
  }

  /** Marks the track ended and drops its buffers and timers. */
  end(): void {
    this.ended = true;
    if (this.keyframeTimer !== null) clearTimeout(this.keyframeTimer);
    this.keyframeTimer = null;
    if (this.ring !== null) this.ring.fill(undefined);
    for (const down of this.downs) down.ready = false;
  }
}
