/**
 * Synthetic werift peers for SFU, signaling and bench tests: a publisher that sends made-up
 * VP8/Opus RTP (no codec needed, the SFU never decodes) and a subscriber that counts what
 * arrives and can send feedback (PLI, NACK) the way a browser would, by media SSRC.
 * Both use the SFU's own no-STUN configuration on 127.0.0.1.
 */

import {
  GenericNack,
  PictureLossIndication,
  RtcpPayloadSpecificFeedback,
  RtcpTransportLayerFeedback,
  RtpHeader,
  RtpPacket,
  type RTCPeerConnection,
  type RTCRtpSender,
  type RTCRtpTransceiver,
} from "werift";
import { createPeerConnection, forbidDefaultStun, type RtcSettings } from "../../../src/sfu/rtcconfig.ts";
import type { TrackKind, TrackSource, VideoCodecName } from "../../../src/sfu/types.ts";

/** Loopback only: werift does not gather it by itself (trap 2). */
export const LOOPBACK = ["127.0.0.1"];

/** Settings of a test peer: no STUN, no TURN, loopback added, VP8 + Opus. */
export function testPeerSettings(
  headerExtensions: RtcSettings["headerExtensions"],
  videoCodec: VideoCodecName = "VP8",
): RtcSettings {
  return {
    videoCodec,
    iceServers: [],
    iceAdditionalHostAddresses: LOOPBACK,
    iceTcp: false,
    headerExtensions,
  };
}

const AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

/** A fake VP8 payload: descriptor with S=1, then a frame byte whose P bit marks keyframes. */
function vp8Payload(keyframe: boolean, size: number): Buffer {
  const payload = Buffer.alloc(size, 0xab);
  payload[0] = 0x10;
  payload[1] = keyframe ? 0x00 : 0x01;
  return payload;
}

/** One track a synthetic publisher sends. */
export interface SyntheticTrack {
  kind: TrackKind;
  source: TrackSource;
}

/** A werift peer that publishes synthetic RTP to the SFU (it offers, as a browser does). */
export class SyntheticPublisher {
  readonly pc: RTCPeerConnection;
  readonly transceivers: RTCRtpTransceiver[] = [];
  /** dBov written in the audio level extension: 0 loudest, 127 silence. */
  audioLevel = 127;
  private audioLevelId = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private seq = new Map<RTCRtpSender, number>();
  private ticks = 0;
  packetsSent = 0;

  /** Creates the connection with one sendonly transceiver per track. */
  constructor(
    readonly tracks: SyntheticTrack[],
    videoCodec: VideoCodecName = "VP8",
  ) {
    this.pc = createPeerConnection(testPeerSettings("publisher", videoCodec));
    for (const track of tracks) {
      this.transceivers.push(this.pc.addTransceiver(track.kind, { direction: "sendonly" }));
    }
  }

  /** Creates the offer; `sources` maps each mid to its source for the SFU. */
  async offer(): Promise<{ sdp: string; sources: Record<string, TrackSource> }> {
    forbidDefaultStun(this.pc);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const sources: Record<string, TrackSource> = {};
    this.transceivers.forEach((t, i) => {
      if (t.mid !== null) sources[t.mid] = this.tracks[i]!.source;
    });
    return { sdp: this.pc.localDescription!.sdp, sources };
  }

  /** Applies the SFU's answer. */
  async accept(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp });
    for (const line of sdp.split(/\r?\n/)) {
      if (line.startsWith("a=extmap:") && line.includes(AUDIO_LEVEL_URI)) {
        this.audioLevelId = Number.parseInt(line.slice("a=extmap:".length), 10);
      }
    }
  }

  /** The sender of the n-th track of a kind. */
  sender(kind: TrackKind, n = 0): RTCRtpSender {
    const senders = this.transceivers.filter((t) => t.kind === kind).map((t) => t.sender);
    const sender = senders[n];
    if (!sender) throw new Error(`no ${kind} sender #${n}`);
    return sender;
  }

  /** Starts sending every 20 ms: one Opus-sized packet per audio, one VP8 packet per video. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sendOnce(), 20);
  }

  /** Stops sending. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends one packet on every track (a keyframe every 50th video packet). */
  sendOnce(): void {
    this.ticks++;
    for (const transceiver of this.transceivers) {
      const sender = transceiver.sender;
      const seq = ((this.seq.get(sender) ?? 1000) + 1) & 0xffff;
      this.seq.set(sender, seq);
      const video = transceiver.kind === "video";
      const header = new RtpHeader({
        payloadType: video ? 96 : 111,
        sequenceNumber: seq,
        timestamp: (this.ticks * (video ? 1800 : 960)) >>> 0,
        ssrc: sender.ssrc,
        marker: video,
        extensions:
          !video && this.audioLevelId !== 0
            ? [{ id: this.audioLevelId, payload: Buffer.from([this.audioLevel & 0x7f]) }]
            : [],
      });
      const payload = video ? vp8Payload(this.ticks % 50 === 1, 900) : Buffer.alloc(80, 0xfc);
      this.packetsSent++;
      void sender.sendRtp(new RtpPacket(header, payload)).catch(() => {});
    }
  }

  /** Keyframe requests (PLI) the SFU sent for a kind's first sender. */
  plisReceived(kind: TrackKind = "video"): number {
    return (this.sender(kind) as unknown as { pliCount: number }).pliCount;
  }

  /** The bitrate the SFU last allowed via REMB, 0 if none arrived. */
  rembBitrate(): number {
    return Number(this.sender("video").receiverEstimatedMaxBitrate);
  }

  /** Stops sending and closes the connection. */
  async close(): Promise<void> {
    this.stop();
    await this.pc.close().catch(() => {});
  }
}

/** What a synthetic subscriber saw on one m-line. */
export interface ReceivedTrack {
  mid: string;
  kind: TrackKind;
  ssrc: number;
  packets: number;
  /** Every sequence number received, in order (duplicates show retransmissions). */
  seqs: number[];
  extensionPackets: number;
}

/** A werift peer that receives from the SFU (the SFU offers, this answers). */
export class SyntheticSubscriber {
  readonly pc: RTCPeerConnection;
  /** Keyed by mid. */
  readonly received = new Map<string, ReceivedTrack>();
  offers = 0;

  /** Creates the connection; it learns its tracks from the SFU's offers. */
  constructor(videoCodec: VideoCodecName = "VP8") {
    this.pc = createPeerConnection(testPeerSettings("subscriber", videoCodec));
    this.pc.onTrack.subscribe((track) => {
      const transceiver = this.pc.getTransceivers().find((t) => t.receiver.tracks.includes(track));
      const mid = transceiver?.mid ?? "?";
      const entry: ReceivedTrack = { mid, kind: track.kind as TrackKind, ssrc: track.ssrc ?? 0, packets: 0, seqs: [], extensionPackets: 0 };
      this.received.set(mid, entry);
      track.onReceiveRtp.subscribe((packet) => {
        entry.packets++;
        entry.ssrc = packet.header.ssrc;
        entry.seqs.push(packet.header.sequenceNumber);
        if (packet.header.extensions.length > 0) entry.extensionPackets++;
      });
    });
  }

  /** Answers an SFU offer. */
  async answer(sdp: string): Promise<string> {
    this.offers++;
    await this.pc.setRemoteDescription({ type: "offer", sdp });
    forbidDefaultStun(this.pc);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return this.pc.localDescription!.sdp;
  }

  /** Packets received on a mid (0 if unknown). */
  packets(mid: string): number {
    return this.received.get(mid)?.packets ?? 0;
  }

  /** Sends a PLI for the media SSRC of a mid, as a browser's decoder would. */
  async sendPli(mid: string): Promise<void> {
    const track = this.mustTrack(mid);
    const feedback = new PictureLossIndication({ senderSsrc: 0x5e5e, mediaSsrc: track.ssrc });
    await this.pc.dtlsTransports[0]!.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback })]);
  }

  /** Sends a generic NACK for sequence numbers of a mid's media SSRC. */
  async sendNack(mid: string, lost: number[]): Promise<void> {
    const track = this.mustTrack(mid);
    const feedback = new GenericNack({ senderSsrc: 0x5e5e, mediaSourceSsrc: track.ssrc, lost });
    await this.pc.dtlsTransports[0]!.sendRtcp([new RtcpTransportLayerFeedback({ feedback })]);
  }

  /** The current direction of a mid as negotiated (e.g. "inactive" after a track ended). */
  direction(mid: string): string | null {
    return this.pc.getTransceivers().find((t) => t.mid === mid)?.currentDirection ?? null;
  }

  private mustTrack(mid: string): ReceivedTrack {
    const track = this.received.get(mid);
    if (!track || track.ssrc === 0) throw new Error(`nothing received on mid ${mid} yet`);
    return track;
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.pc.close().catch(() => {});
  }
}
