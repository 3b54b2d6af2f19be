/**
 * A participant's sending connection. The browser offers (it knows what it sends), we
 * answer, so this side never glares. Each receiving m-line becomes an UpTrack; a later
 * offer that stops sending on an m-line ends its UpTrack, and a source change on the same
 * m-line (camera -> screen) ends one track and publishes another.
 */

import {
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  RtcpSrPacket,
  type RTCDtlsTransport,
  type RTCPeerConnection,
  type RTCRtpTransceiver,
  type MediaStreamTrack,
} from "werift";
import { UpTrack, type ForwardCounters } from "./forwarder.ts";
import {
  createPeerConnection,
  enlargeRecvBuffers,
  guardSocketErrors,
  udpHostCandidateCount,
  forbidDefaultStun,
  type RtcSettings,
} from "./rtcconfig.ts";
import { cleanRemoteSdp, isUnwantedCandidate, remoteSdpProblem, rewriteLocalCandidate, rewriteLocalSdp, type CandidatePolicy } from "./sdp.ts";
import { SerialQueue } from "./serial.ts";
import { SfuError, describe, type ConnectionState, type IceCandidateMessage, type TrackKind, type TrackSource } from "./types.ts";

const AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

/** Browser candidates kept while no remote description exists yet. */
const MAX_EARLY_CANDIDATES = 64;

/** What a publisher connection tells its owner; all calls are synchronous. */
export interface PublisherHooks {
  newTrackId(): string;
  trackAdded(track: UpTrack): void;
  trackEnded(track: UpTrack): void;
  stateChanged(state: ConnectionState): void;
  localCandidate(candidate: IceCandidateMessage): void;
  /** Something went wrong that the operator must hear about (e.g. a port could not be bound). */
  problem(code: string, message: string): void;
  /** Sources the room owner has muted for this peer: new tracks start disabled. */
  isSourceDisabled(source: TrackSource): boolean;
}

/** Per receiving transceiver: which UpTrack its packets currently feed. */
interface Slot {
  transceiver: RTCRtpTransceiver;
  up: UpTrack | null;
}

/** The publisher side of one peer. */
export class PublisherConnection {
  readonly pc: RTCPeerConnection;
  private readonly queue = new SerialQueue();
  private readonly slots: Slot[] = [];
  private readonly hookedTracks = new WeakSet<MediaStreamTrack>();
  private readonly hookedTransports = new WeakSet<RTCDtlsTransport>();
  private readonly seenCandidates = new Set<string>();
  private described = false;
  private closed = false;
  /** Candidates that came before the first remote description; applied after it. */
  private earlyCandidates: (IceCandidateMessage | null)[] = [];
  private readonly expectedHostCandidates: number;
  private gatheringShortReported = false;

  /** Creates the connection with its own port block and the SFU's codecs. */
  constructor(
    settings: RtcSettings,
    private readonly policy: CandidatePolicy,
    private readonly counters: ForwardCounters,
    private readonly peerId: string,
    private readonly hooks: PublisherHooks,
  ) {
    this.expectedHostCandidates = settings.expectedHostCandidates ?? 0;
    this.pc = createPeerConnection({ ...settings, headerExtensions: "publisher" });
    this.pc.onTrack.subscribe((track) => this.hookTrack(track));
    this.pc.connectionStateChange.subscribe((state) => this.hooks.stateChanged(state));
    this.pc.onIceCandidate.subscribe((candidate) => {
      // Candidates gathered before the answer are in its SDP; only later ones trickle.
      if (!candidate || !this.described) return;
      const text = rewriteLocalCandidate(candidate.candidate, this.policy, this.seenCandidates);
      if (text) this.hooks.localCandidate({ candidate: text, sdpMid: candidate.sdpMid ?? null, sdpMLineIndex: candidate.sdpMLineIndex ?? null });
    });
  }

  /** Applies the browser's offer and returns our answer; `sources` names tracks by mid. */
  answer(sdp: string, sources: Readonly<Record<string, TrackSource>> = {}): Promise<string> {
    return this.queue.run(async () => {
      if (this.closed) throw new SfuError("sfu.closed", "the publisher connection is closed");
      const problem = remoteSdpProblem(sdp);
      if (problem) throw new SfuError("sfu.bad_offer", `the publisher offer ${problem}`);
      try {
        await this.pc.setRemoteDescription({ type: "offer", sdp: cleanRemoteSdp(sdp) });
      } catch (error) {
        // A bad offer must not leave us half in have-remote-offer for the next, good one.
        await this.pc.setLocalDescription({ type: "rollback" }).catch(() => {});
        throw new SfuError("sfu.bad_offer", `the publisher offer was refused: ${describe(error)}`);
      }
      await this.applyEarlyCandidates();
      forbidDefaultStun(this.pc);
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      // Closed meanwhile (the participant left): publish nothing for the others.
      if (this.closed) throw new SfuError("sfu.closed", "the publisher connection closed during negotiation");
      this.hookTransports();
      this.checkGathering();
      this.reconcile(sources);
      const local = this.pc.localDescription?.sdp ?? answer.sdp;
      for (const line of local.split(/\r?\n/)) {
        if (line.startsWith("a=candidate:")) rewriteLocalCandidate(line.slice(2), this.policy, this.seenCandidates);
      }
      this.described = true;
      return rewriteLocalSdp(local, this.policy);
    });
  }

  /** Adds a browser candidate; mDNS and IPv6 ones are dropped (returns false). */
  async addIceCandidate(candidate: IceCandidateMessage | null): Promise<boolean> {
    if (candidate && candidate.candidate && isUnwantedCandidate(candidate.candidate)) return false;
    if (!this.pc.remoteDescription) {
      // werift would queue it and then fail the next setRemoteDescription if it is bad.
      if (this.earlyCandidates.length < MAX_EARLY_CANDIDATES) this.earlyCandidates.push(candidate);
      return true;
    }
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      throw new SfuError("sfu.bad_candidate", `the ICE candidate was refused: ${describe(error)}`);
    }
    return true;
  }

  private async applyEarlyCandidates(): Promise<void> {
    const early = this.earlyCandidates;
    this.earlyCandidates = [];
    for (const candidate of early) await this.pc.addIceCandidate(candidate ?? undefined).catch(() => {});
  }

  /** The live tracks this peer publishes. */
  tracks(): UpTrack[] {
    const result: UpTrack[] = [];
    for (const slot of this.slots) if (slot.up && !slot.up.ended) result.push(slot.up);
    return result;
  }

  /** Tells the browser how much it may send for its video (werift never sends REMB). */
  sendRemb(bitratePerTrack: number): boolean {
    const transport = this.pc.dtlsTransports[0];
    if (!transport || transport.state !== "connected") return false;
    const videos = this.tracks().filter((t) => t.kind === "video" && t.ssrc !== 0);
    if (videos.length === 0) return false;
    let mantissa = Math.max(0, Math.floor(bitratePerTrack * videos.length));
    let exponent = 0;
    while (mantissa > 0x3ffff) {
      mantissa = Math.floor(mantissa / 2);
      exponent++;
    }
    const first = this.slots[0]?.transceiver.receiver;
    const remb = new ReceiverEstimatedMaxBitrate({
      senderSsrc: first?.rtcpSsrc ?? 1,
      mediaSsrc: 0,
      ssrcNum: videos.length,
      brExp: exponent,
      brMantissa: mantissa,
      ssrcFeedbacks: videos.map((t) => t.ssrc),
    });
    transport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: remb })]).catch(() => {});
    return true;
  }

  /** Ends every track and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.endTracks();
    // An answer in flight binds its ports and adds tracks after a close that does not wait
    // for it, and those sockets are never closed: close after it, and end what it added.
    await this.queue.run(async () => {
      this.endTracks();
      await this.pc.close().catch(() => {});
    });
  }

  private endTracks(): void {
    for (const slot of this.slots) {
      if (slot.up && !slot.up.ended) this.endTrack(slot);
    }
  }

  /** Feeds a remote track's packets to whatever UpTrack its transceiver currently has. */
  private hookTrack(track: MediaStreamTrack): void {
    if (this.hookedTracks.has(track)) return;
    const transceiver = this.pc.getTransceivers().find((t) => t.receiver.tracks.includes(track));
    if (!transceiver) return;
    this.hookedTracks.add(track);
    const slot = this.slotFor(transceiver);
    track.onReceiveRtp.subscribe((packet) => {
      const up = slot.up;
      if (up !== null) up.handleRtp(packet);
    });
  }

  private slotFor(transceiver: RTCRtpTransceiver): Slot {
    let slot = this.slots.find((s) => s.transceiver === transceiver);
    if (!slot) {
      slot = { transceiver, up: null };
      this.slots.push(slot);
    }
    return slot;
  }

  /** Listens to the transport's RTCP for sender reports, and enlarges socket buffers. */
  /** Reports, once, a gathering that lost candidates because a port was taken (trap 9). */
  private checkGathering(): void {
    if (this.gatheringShortReported || this.expectedHostCandidates === 0) return;
    const found = udpHostCandidateCount(this.pc);
    if (found >= this.expectedHostCandidates) return;
    this.gatheringShortReported = true;
    this.hooks.problem(
      "sfu.candidates_missing",
      `gathered ${found} of ${this.expectedHostCandidates} host candidates: a port of the leased block was in use`,
    );
  }

  private hookTransports(): void {
    for (const transport of this.pc.dtlsTransports) {
      if (this.hookedTransports.has(transport)) continue;
      this.hookedTransports.add(transport);
      enlargeRecvBuffers(this.pc);
      guardSocketErrors(this.pc);
      transport.onRtcp.subscribe((packet) => {
        if (packet.type !== RtcpSrPacket.type) return;
        const report = packet as RtcpSrPacket;
        for (const slot of this.slots) {
          if (slot.up && slot.up.ssrc === report.ssrc) slot.up.forwardSenderReport(report);
        }
      });
    }
  }

  /** Brings UpTracks in line with what the current negotiation says is being received. */
  private reconcile(sources: Readonly<Record<string, TrackSource>>): void {
    for (const transceiver of this.pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (mid === null) continue;
      const slot = this.slotFor(transceiver);
      const direction = transceiver.currentDirection;
      const receiving = !transceiver.stopped && (direction === "recvonly" || direction === "sendrecv");
      const current = slot.up && !slot.up.ended ? slot.up : null;
      if (!receiving) {
        if (current) this.endTrack(slot);
        continue;
      }
      const kind = transceiver.kind as TrackKind;
      const source = sources[mid] ?? current?.source ?? this.defaultSource(kind);
      if (current && current.source === source) continue;
      if (current) this.endTrack(slot);
      const up = new UpTrack(
        this.hooks.newTrackId(),
        this.peerId,
        mid,
        kind,
        source,
        (ssrc) => void transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {}),
        this.counters,
      );
      // The SDP's a=ssrc lets us ask for a keyframe before the first packet arrives.
      up.ssrc = transceiver.receiver.track.ssrc ?? 0;
      if (kind === "audio") up.levelExtId = this.audioLevelId();
      if (this.hooks.isSourceDisabled(source)) up.enabled = false;
      slot.up = up;
      this.hooks.trackAdded(up);
    }
  }

  private endTrack(slot: Slot): void {
    const up = slot.up;
    if (!up) return;
    up.end();
    this.hooks.trackEnded(up);
  }

  /** Sources a browser would mean without telling us: first camera, then screen. */
  private defaultSource(kind: TrackKind): TrackSource {
    const used = new Set(this.tracks().map((t) => t.source));
    if (kind === "audio") return used.has("microphone") ? "screen-audio" : "microphone";
    return used.has("camera") ? "screen" : "camera";
  }

  private audioLevelId(): number {
    for (const [id, uri] of Object.entries(this.pc.extIdUriMap)) {
      if (uri === AUDIO_LEVEL_URI) return Number(id);
    }
    return 0;
  }
}
