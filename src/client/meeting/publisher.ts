/**
 * The sending connection: the browser offers, the server answers, so offers never collide.
 * One sendonly transceiver per source; turning a camera or microphone off and on swaps the
 * track without renegotiating, while a screen share adds (or reuses) an m-line and sends a
 * new `publish-offer` naming every m-line's source by mid.
 */

import type { ClientMessage } from "./signaling.ts";

/** What a published m-line carries. */
export type Source = "camera" | "microphone" | "screen" | "screen-audio";

/** What the publisher needs from the call. */
export interface PublisherHooks {
  send(message: ClientMessage): void;
  /** Connection state changes, for the page's marks and recovery. */
  stateChanged(state: RTCPeerConnectionState): void;
}

const ANSWER_TIMEOUT_MS = 15_000;
/** How long a "disconnected" connection may stay so before we restart ICE. */
const DISCONNECTED_GRACE_MS = 2_500;

/** The browser's sending peer connection. */
export class Publisher {
  readonly pc: RTCPeerConnection;
  private readonly transceivers = new Map<Source, RTCRtpTransceiver>();
  private negotiating = false;
  private again = false;
  private restartWanted = false;
  private waiter: { resolve: (sdp: string) => void; reject: (error: Error) => void } | null = null;
  /** Our candidates wait until the server has our offer applied (its answer arrived). */
  private heldCandidates: Array<RTCIceCandidateInit | null> | null = [];
  private disconnectTimer = 0;
  private closed = false;

  /** Creates the connection with microphone and camera m-lines (tracks may be null: off). */
  constructor(
    iceServers: RTCIceServer[],
    private readonly hooks: PublisherHooks,
    tracks: { microphone: MediaStreamTrack | null; camera: MediaStreamTrack | null },
  ) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
    this.pc.onicecandidate = (event) => {
      const candidate = event.candidate ? (event.candidate.toJSON() as RTCIceCandidateInit) : null;
      if (this.heldCandidates) this.heldCandidates.push(candidate);
      else this.sendCandidate(candidate);
    };
    this.pc.onconnectionstatechange = () => this.onState();
    this.addTransceiver("microphone", "audio", tracks.microphone);
    this.addTransceiver("camera", "video", tracks.camera, [{ maxBitrate: 1_200_000 }]);
  }

  /** Sends the first offer. */
  start(): void {
    void this.negotiate();
  }

  /** The answer to our latest offer arrived. */
  handleAnswer(sdp: string): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(sdp);
  }

  /** The server refused our offer (an `error` while one was outstanding). */
  handleRefusal(message: string): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(new Error(message));
  }

  /** A server candidate for this connection. */
  async addRemoteCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch {
      // A candidate of an older ICE generation after a restart: harmless.
    }
  }

  /** Swaps the camera or microphone track (null: off) without renegotiating. */
  async setTrack(source: "camera" | "microphone", track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.transceivers.get(source);
    if (!transceiver || this.closed) return;
    await transceiver.sender.replaceTrack(track);
  }

  /** Starts or stops the screen share (video and, if the browser gave it, its audio). */
  async setScreen(video: MediaStreamTrack | null, audio: MediaStreamTrack | null): Promise<void> {
    if (this.closed) return;
    this.useSlot("screen", "video", video);
    if (audio || this.transceivers.has("screen-audio")) this.useSlot("screen-audio", "audio", audio);
    await this.negotiate();
  }

  /** Restarts ICE with a new offer (after the network changed or the path failed). */
  restartIce(): void {
    void this.negotiate(true);
  }

  /** Closes the connection (the call ends or is rebuilt after a rejoin). */
  close(): void {
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    this.waiter?.reject(new Error("closed"));
    this.waiter = null;
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  /** Outbound stats, for the quality mark of our own tile. */
  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  private addTransceiver(source: Source, kind: "audio" | "video", track: MediaStreamTrack | null, sendEncodings?: RTCRtpEncodingParameters[]): void {
    const transceiver = this.pc.addTransceiver(track ?? kind, { direction: "sendonly", sendEncodings });
    this.transceivers.set(source, transceiver);
  }

  /** Turns a lazily created m-line on with a track or off (inactive), reusing it later. */
  private useSlot(source: Source, kind: "audio" | "video", track: MediaStreamTrack | null): void {
    const existing = this.transceivers.get(source);
    if (!existing) {
      if (track) this.addTransceiver(source, kind, track);
      return;
    }
    void existing.sender.replaceTrack(track).catch(() => {});
    existing.direction = track ? "sendonly" : "inactive";
  }

  /** Every m-line's source by mid, as the server needs it. */
  private sources(): Record<string, Source> {
    const sources: Record<string, Source> = {};
    for (const [source, transceiver] of this.transceivers) {
      if (transceiver.mid !== null) sources[transceiver.mid] = source;
    }
    return sources;
  }

  /** Offer/answer, one at a time; changes during a round go into one more round. */
  private async negotiate(iceRestart = false): Promise<void> {
    if (iceRestart) this.restartWanted = true;
    if (this.negotiating) {
      this.again = true;
      return;
    }
    this.negotiating = true;
    try {
      do {
        this.again = false;
        const restart = this.restartWanted;
        this.restartWanted = false;
        const offer = await this.pc.createOffer({ iceRestart: restart });
        if (this.closed) return;
        await this.pc.setLocalDescription(offer);
        this.heldCandidates ??= [];
        const answer = new Promise<string>((resolve, reject) => {
          this.waiter = { resolve, reject };
          setTimeout(() => reject(new Error("no publish-answer in time")), ANSWER_TIMEOUT_MS);
        });
        this.hooks.send({ type: "publish-offer", sdp: this.pc.localDescription?.sdp ?? offer.sdp ?? "", sources: this.sources() });
        let sdp: string;
        try {
          sdp = await answer;
        } catch (error) {
          if (this.closed) return;
          // Back to stable so a later round can offer again; the call decides about a rejoin.
          await this.pc.setLocalDescription({ type: "rollback" }).catch(() => {});
          throw error;
        }
        if (this.closed) return;
        await this.pc.setRemoteDescription({ type: "answer", sdp });
        const held = this.heldCandidates ?? [];
        this.heldCandidates = null;
        for (const candidate of held) this.sendCandidate(candidate);
      } while (this.again || this.restartWanted);
    } catch (error) {
      if (!this.closed) console.warn("youmeet: publishing failed:", (error as Error).message);
    } finally {
      this.negotiating = false;
    }
  }

  private sendCandidate(candidate: RTCIceCandidateInit | null): void {
    if (this.closed) return;
    this.hooks.send({ type: "ice", pc: "publisher", candidate: candidate ? cleanCandidate(candidate) : null });
  }

  private onState(): void {
    const state = this.pc.connectionState;
    this.hooks.stateChanged(state);
    clearTimeout(this.disconnectTimer);
    if (state === "failed") this.restartIce();
    else if (state === "disconnected") {
      this.disconnectTimer = window.setTimeout(() => {
        if (this.pc.connectionState === "disconnected") this.restartIce();
      }, DISCONNECTED_GRACE_MS);
    }
  }
}

/** Only the fields the protocol accepts (a browser may add others later). */
export function cleanCandidate(candidate: RTCIceCandidateInit): NonNullable<Extract<ClientMessage, { type: "ice" }>["candidate"]> {
  return {
    candidate: candidate.candidate ?? "",
    sdpMid: candidate.sdpMid ?? null,
    sdpMLineIndex: candidate.sdpMLineIndex ?? null,
    usernameFragment: candidate.usernameFragment ?? null,
  };
}
