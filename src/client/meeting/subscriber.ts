/**
 * The receiving connection: the server offers (it knows what there is), the browser
 * answers. Each `subscribe-offer` lists which participant and source every mid carries;
 * after applying it the full current set of remote tracks goes to the call, which puts them
 * on tiles. m-lines the server reuses for another track simply map to the new owner.
 */

import { cleanCandidate, type Source } from "./publisher.ts";
import type { ClientMessage, ServerMessage } from "./signaling.ts";

type TrackInfo = Extract<ServerMessage, { type: "subscribe-offer" }>["tracks"][number];

/** A remote track and whose it is. */
export interface RemoteTrack {
  mid: string;
  peerId: string;
  kind: "audio" | "video";
  source: Source;
  track: MediaStreamTrack;
  receiver: RTCRtpReceiver;
}

/** What the subscriber needs from the call. */
export interface SubscriberHooks {
  send(message: ClientMessage): void;
  /** The complete set of remote tracks after an offer was applied. */
  tracksChanged(tracks: RemoteTrack[]): void;
  stateChanged(state: RTCPeerConnectionState): void;
}

const DISCONNECTED_GRACE_MS = 2_500;

/** The browser's receiving peer connection. */
export class Subscriber {
  readonly pc: RTCPeerConnection;
  private chain: Promise<void> = Promise.resolve();
  private current: RemoteTrack[] = [];
  private disconnectTimer = 0;
  private closed = false;
  /** True once an offer arrived: before that there is nothing to connect. */
  offered = false;

  /** Creates the connection; it waits for the server's first offer. */
  constructor(
    iceServers: RTCIceServer[],
    private readonly hooks: SubscriberHooks,
  ) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
    this.pc.onicecandidate = (event) => {
      if (this.closed) return;
      const candidate = event.candidate ? cleanCandidate(event.candidate.toJSON()) : null;
      this.hooks.send({ type: "ice", pc: "subscriber", candidate });
    };
    this.pc.onconnectionstatechange = () => this.onState();
  }

  /** Applies a server offer and answers it, one offer at a time. */
  handleOffer(sdp: string, tracks: TrackInfo[]): Promise<void> {
    this.offered = true;
    this.chain = this.chain.then(() => this.apply(sdp, tracks)).catch((error) => {
      if (!this.closed) console.warn("youmeet: subscribing failed:", (error as Error).message);
    });
    return this.chain;
  }

  /** A server candidate for this connection (queued behind the offer being applied). */
  addRemoteCandidate(candidate: RTCIceCandidateInit | null): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await this.pc.addIceCandidate(candidate ?? undefined);
      } catch {
        // A candidate of an older ICE generation: harmless.
      }
    });
  }

  /** The remote tracks now received. */
  tracks(): readonly RemoteTrack[] {
    return this.current;
  }

  /** Closes the connection. */
  close(): void {
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.current = [];
  }

  private async apply(sdp: string, tracks: TrackInfo[]): Promise<void> {
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: "offer", sdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    if (this.closed) return;
    this.hooks.send({ type: "subscribe-answer", sdp: this.pc.localDescription?.sdp ?? answer.sdp ?? "" });
    const byMid = new Map(tracks.map((track) => [track.mid, track]));
    const next: RemoteTrack[] = [];
    for (const transceiver of this.pc.getTransceivers()) {
      const info = transceiver.mid === null ? undefined : byMid.get(transceiver.mid);
      if (!info || transceiver.currentDirection === "stopped") continue;
      next.push({
        mid: info.mid,
        peerId: info.peerId,
        kind: info.kind,
        source: info.source,
        track: transceiver.receiver.track,
        receiver: transceiver.receiver,
      });
    }
    this.current = next;
    this.hooks.tracksChanged(next);
  }

  private onState(): void {
    const state = this.pc.connectionState;
    this.hooks.stateChanged(state);
    clearTimeout(this.disconnectTimer);
    const restart = () => this.hooks.send({ type: "restart-ice" });
    if (state === "failed") restart();
    else if (state === "disconnected") {
      this.disconnectTimer = window.setTimeout(() => {
        if (this.pc.connectionState === "disconnected") restart();
      }, DISCONNECTED_GRACE_MS);
    }
  }
}
