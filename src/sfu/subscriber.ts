/**
 * A participant's receiving connection. We offer (we know what there is to send), the
 * browser answers, so this side never glares either. Offers are serialised: while one is
 * outstanding, further changes only mark the connection dirty and go into the next offer.
 * m-lines of ended tracks are set inactive and reused for later tracks of the same kind, so
 * the SDP does not grow with every screen share.
 */

import {
  GenericNack,
  MediaStreamTrack,
  PictureLossIndication,
  RtcpPayloadSpecificFeedback,
  RtcpTransportLayerFeedback,
  type RTCDtlsTransport,
  type RTCPeerConnection,
  type RTCRtpTransceiver,
  type RtcpPacket,
} from "werift";
import { DownTrack, type UpTrack } from "./forwarder.ts";
import { createPeerConnection, enlargeRecvBuffers, guardSocketErrors, keepEarlyDtls, udpHostCandidateCount, forbidDefaultStun, opusCodec, videoCodec, type RtcSettings } from "./rtcconfig.ts";
import { cleanRemoteSdp, isUnwantedCandidate, remoteSdpProblem, rewriteLocalCandidate, rewriteLocalSdp, type CandidatePolicy } from "./sdp.ts";
import { SerialQueue } from "./serial.ts";
import { SfuError, describe, type ConnectionState, type IceCandidateMessage, type SubscribedTrack, type TrackKind } from "./types.ts";

/** FIR's feedback message type (RFC 5104); werift does not export its class. */
const FIR_COUNT = 4;

/** Browser candidates kept while no remote description exists yet. */
const MAX_EARLY_CANDIDATES = 64;

/** What a subscriber connection tells its owner. */
export interface SubscriberHooks {
  offer(sdp: string, tracks: SubscribedTrack[]): void;
  stateChanged(state: ConnectionState): void;
  localCandidate(candidate: IceCandidateMessage): void;
  /** Something went wrong that the operator must hear about (e.g. a port could not be bound). */
  problem(code: string, message: string): void;
}

/** One sending m-line of ours. */
interface Slot {
  transceiver: RTCRtpTransceiver;
  kind: TrackKind;
  down: DownTrack | null;
  /** The last DownTrack this m-line carried: numbering continues from it on reuse. */
  last: DownTrack | null;
  /** Its deactivation has been answered: the m-line can carry a new track. */
  reusable: boolean;
}

/** Keeps an id usable as an msid token (RFC 8830): anything else becomes "-". */
function msidToken(id: string): string {
  return id.replace(/[^A-Za-z0-9!#$%&'*+\-.^_`{|}~]/g, "-").slice(0, 64) || "-";
}

/** The subscriber side of one peer. */
export class SubscriberConnection {
  readonly pc: RTCPeerConnection;
  private readonly queue = new SerialQueue();
  private readonly slots: Slot[] = [];
  /** RTCP feedback is routed by media SSRC (trap 5), through this index. */
  private readonly bySsrc = new Map<number, Slot>();
  private readonly negotiated = new WeakSet<DownTrack>();
  private readonly hookedTransports = new WeakSet<RTCDtlsTransport>();
  private readonly seenCandidates = new Set<string>();
  private readonly videoPayloadType: number;
  private readonly audioPayloadType = opusCodec().payloadType;
  private pending: { included: DownTrack[]; released: Slot[] } | null = null;
  private dirty = false;
  private described = false;
  private closed = false;
  /** Candidates that came before the first remote description; applied after it. */
  private earlyCandidates: (IceCandidateMessage | null)[] = [];
  private readonly expectedHostCandidates: number;
  private gatheringShortReported = false;

  /** Creates the connection; it offers only once there is something to send. */
  constructor(
    settings: RtcSettings,
    private readonly policy: CandidatePolicy,
    private readonly peerId: string,
    private readonly hooks: SubscriberHooks,
  ) {
    this.videoPayloadType = videoCodec(settings.videoCodec).payloadType;
    this.expectedHostCandidates = settings.expectedHostCandidates ?? 0;
    this.pc = createPeerConnection({ ...settings, headerExtensions: "subscriber" });
    this.pc.connectionStateChange.subscribe((state) => {
      this.hooks.stateChanged(state);
      this.refreshReady();
    });
    this.pc.onIceCandidate.subscribe((candidate) => {
      if (!candidate || !this.described) return;
      const text = rewriteLocalCandidate(candidate.candidate, this.policy, this.seenCandidates);
      if (text) this.hooks.localCandidate({ candidate: text, sdpMid: candidate.sdpMid ?? null, sdpMLineIndex: candidate.sdpMLineIndex ?? null });
    });
  }

  /** Starts sending `up` to this peer (after the next offer/answer). */
  subscribe(up: UpTrack): void {
    if (this.closed || this.slots.some((s) => s.down?.up === up)) return;
    let slot = this.slots.find((s) => s.down === null && s.reusable && s.kind === up.kind);
    if (slot) {
      void slot.transceiver.sender.replaceTrack(new MediaStreamTrack({ kind: up.kind })).catch(() => {});
      slot.transceiver.setDirection("sendonly");
      slot.reusable = false;
    } else {
      const transceiver = this.pc.addTransceiver(new MediaStreamTrack({ kind: up.kind }), { direction: "sendonly" });
      slot = { transceiver, kind: up.kind, down: null, last: null, reusable: false };
      this.slots.push(slot);
      this.bySsrc.set(transceiver.sender.ssrc, slot);
    }
    const sender = slot.transceiver.sender;
    // The browser sees the publisher as the stream and our track id as the track.
    (sender as { trackId: string }).trackId = msidToken(up.trackId);
    sender.streamIds = [msidToken(up.peerId)];
    const payloadType = up.kind === "video" ? this.videoPayloadType : this.audioPayloadType;
    const down = new DownTrack(up, this.peerId, sender.ssrc, payloadType, sender.dtlsTransport);
    if (slot.last) down.inherit(slot.last);
    slot.down = down;
    up.addDown(down);
    this.negotiate();
  }

  /** Stops sending `up`; its m-line goes inactive in the next offer. */
  unsubscribe(up: UpTrack): void {
    const slot = this.slots.find((s) => s.down?.up === up);
    if (!slot || !slot.down) return;
    up.removeDown(slot.down);
    slot.last = slot.down;
    slot.down = null;
    slot.reusable = false;
    if (!this.closed) {
      this.pc.removeTrack(slot.transceiver.sender);
      this.negotiate();
    }
  }

  /** Number of tracks this peer receives. */
  get subscriptionCount(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.down) n++;
    return n;
  }

  /** Applies the browser's answer to our outstanding offer. */
  answer(sdp: string): Promise<void> {
    return this.queue.run(async () => {
      const pending = this.pending;
      if (this.closed) throw new SfuError("sfu.closed", "the subscriber connection is closed");
      if (!pending) throw new SfuError("sfu.unexpected_answer", "no subscriber offer is outstanding");
      const problem = remoteSdpProblem(sdp);
      try {
        if (problem) throw new Error(`it ${problem}`);
        await this.pc.setRemoteDescription({ type: "answer", sdp: cleanRemoteSdp(sdp) });
      } catch (error) {
        // Back to stable and offer again: the browser gets a fresh offer to answer.
        await this.pc.setLocalDescription({ type: "rollback" }).catch(() => {});
        this.pending = null;
        this.dirty = true;
        void this.queue.run(() => this.offerIfNeeded()).catch(() => {});
        throw new SfuError("sfu.bad_answer", `the subscriber answer was refused: ${describe(error)}`);
      }
      const early = this.earlyCandidates;
      this.earlyCandidates = [];
      for (const candidate of early) await this.pc.addIceCandidate(candidate ?? undefined).catch(() => {});
      this.pending = null;
      for (const down of pending.included) this.negotiated.add(down);
      for (const slot of pending.released) if (slot.down === null) slot.reusable = true;
      this.refreshReady();
      await this.offerIfNeeded();
    });
  }

  /** Restarts ICE with a fresh offer (after a network change on the browser's side). */
  restartIce(): void {
    if (this.closed || this.slots.length === 0) return;
    this.pc.restartIce();
    this.negotiate();
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

  /** Detaches from every track and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) {
      if (slot.down) slot.down.up.removeDown(slot.down);
      slot.down = null;
    }
    // An offer in flight binds its ports after a close that does not wait for it: close after it.
    await this.queue.run(() => this.pc.close().catch(() => {}));
  }

  /** Schedules an offer; changes made while one is outstanding go into the next. */
  private negotiate(): void {
    this.dirty = true;
    void this.queue.run(() => this.offerIfNeeded()).catch(() => {});
  }

  private async offerIfNeeded(): Promise<void> {
    if (this.closed || this.pending || !this.dirty || this.slots.length === 0) return;
    this.dirty = false;
    const included: DownTrack[] = [];
    const released: Slot[] = [];
    const tracks: SubscribedTrack[] = [];
    this.pending = { included, released };
    forbidDefaultStun(this.pc);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.hookTransports();
    this.checkGathering();
    for (const slot of this.slots) {
      const down = slot.down;
      if (!down) {
        if (!slot.reusable) released.push(slot);
        continue;
      }
      included.push(down);
      const up = down.up;
      const mid = slot.transceiver.mid ?? "";
      tracks.push({ mid, trackId: up.trackId, publisherPeerId: up.peerId, kind: up.kind, source: up.source });
    }
    const local = this.pc.localDescription?.sdp ?? offer.sdp;
    for (const line of local.split(/\r?\n/)) {
      if (line.startsWith("a=candidate:")) rewriteLocalCandidate(line.slice(2), this.policy, this.seenCandidates);
    }
    this.described = true;
    this.hooks.offer(rewriteLocalSdp(local, this.policy), tracks);
  }

  /** A down track forwards once it is negotiated and DTLS is up; then it wants a keyframe. */
  private refreshReady(): void {
    const connected = this.pc.connectionState === "connected";
    for (const slot of this.slots) {
      const down = slot.down;
      if (!down) continue;
      const ready = connected && !this.closed && this.negotiated.has(down) && !down.up.ended;
      if (ready === down.ready) continue;
      // The bundle transport may be created only by the first setLocalDescription.
      down.transport = slot.transceiver.sender.dtlsTransport;
      down.ready = ready;
      if (ready) {
        down.markRestart();
        down.up.requestKeyframe();
      }
    }
  }

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
      keepEarlyDtls(transport);
      transport.onRtcp.subscribe((packet) => this.handleRtcp(packet));
    }
  }

  /** Routes the subscriber's feedback by media SSRC to the publisher's track. */
  private handleRtcp(packet: RtcpPacket): void {
    if (packet.type === RtcpTransportLayerFeedback.type) {
      const feedback = (packet as RtcpTransportLayerFeedback).feedback;
      if (feedback.count !== GenericNack.count) return;
      const nack = feedback as GenericNack;
      const down = this.bySsrc.get(nack.mediaSourceSsrc)?.down;
      if (down) down.up.retransmit(down, nack.lost);
      return;
    }
    if (packet.type === RtcpPayloadSpecificFeedback.type) {
      const feedback = (packet as RtcpPayloadSpecificFeedback).feedback;
      if (feedback.count === PictureLossIndication.count) {
        this.bySsrc.get((feedback as PictureLossIndication).mediaSsrc)?.down?.up.requestKeyframe();
      } else if (feedback.count === FIR_COUNT) {
        for (const entry of (feedback as unknown as { fir: { ssrc: number }[] }).fir) {
          this.bySsrc.get(entry.ssrc)?.down?.up.requestKeyframe();
        }
      }
    }
  }
}
