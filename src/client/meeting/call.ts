/**
 * One participation in a call: signaling, the two peer connections, local media toggles,
 * and turning server messages into what the page shows. A dropped WebSocket rejoins and
 * rebuilds both connections with the same local tracks; an ICE failure restarts ICE and,
 * if that does not help, escalates to a rejoin.
 */

import { CallUi, type BannerName, type ParticipantView } from "./call-ui.ts";
import { Chat } from "./chat.ts";
import { openCamera, openMicrophone } from "./devices.ts";
import { Publisher } from "./publisher.ts";
import { QualityMonitor, watchIce } from "./quality.ts";
import { startScreenShare, type ScreenShare } from "./screen.ts";
import { Signaling, type ServerMessage } from "./signaling.ts";
import { Subscriber, type RemoteTrack } from "./subscriber.ts";
import { localized, t } from "./texts.ts";

/** The local devices and choices the call starts with (from the pre-join form). */
export interface LocalMedia {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  cameraOn: boolean;
  microphoneOn: boolean;
  cameraId: string;
  microphoneId: string;
  speakerId: string;
}

/** Who joins which room, and how the socket authenticates. */
export interface CallOptions {
  roomId: string;
  isOwner: boolean;
  /** Gets a fresh guest token (guests), or null for a logged-in person. */
  guestToken: (() => Promise<string>) | null;
}

/** A connection that stays broken this long after ICE restarts makes us rejoin. */
const ESCALATE_AFTER_MS = 12_000;

/** A participation in one room's call. */
export class Call {
  private readonly signaling: Signaling;
  private readonly ui: CallUi;
  private readonly chat: Chat;
  private readonly quality: QualityMonitor;
  private publisher: Publisher | null = null;
  private subscriber: Subscriber | null = null;
  private stopWatches: Array<() => void> = [];
  private screen: ScreenShare | null = null;
  private readonly participants = new Map<string, ParticipantView>();
  private me: ParticipantView | null = null;
  private joined = false;
  private locked = false;
  private endedAs: string | null = null;
  private lastError: { code: string; message: string } | null = null;
  private iceServers: RTCIceServer[] = [];
  private troubleTimer = 0;
  private pcTrouble = { publisher: false, subscriber: false };

  /** Prepares the call; nothing connects until start(). */
  constructor(
    private readonly root: HTMLElement,
    private readonly options: CallOptions,
    private readonly media: LocalMedia,
  ) {
    this.ui = new CallUi(root, options.isOwner, {
      mute: (peerId) => this.signaling.send({ type: "mute", peerId }),
      remove: (peerId) => {
        const name = this.participants.get(peerId)?.name ?? "";
        if (window.confirm(t("room.owner.remove_confirm", { name }))) this.signaling.send({ type: "remove", peerId });
      },
    });
    this.chat = new Chat(
      document.getElementById("chat-log") as HTMLOListElement,
      document.getElementById("chat-form") as HTMLFormElement,
      document.getElementById("chat-input") as HTMLInputElement,
      document.getElementById("chat-badge")!,
      () => !document.getElementById("chat-panel")!.hidden,
      (text) => this.signaling.send({ type: "chat", text }),
    );
    this.quality = new QualityMonitor({
      publisher: () => this.publisher,
      subscriber: () => this.subscriber,
      expectsMedia: (peerId) => {
        const p = this.participants.get(peerId);
        return !!p && ((p.media.audio && !p.mutedByOwner) || p.media.video || p.media.screen);
      },
      sending: () => this.mediaState().audio || this.mediaState().video,
      report: (peerId, quality) => this.ui.setQuality(peerId ?? this.me?.peerId ?? "", quality),
    });
    this.signaling = new Signaling({
      url: () => this.socketUrl(),
      opened: () => this.signaling.send({ type: "join", v: 1, media: this.mediaState() }),
      message: (message) => this.onMessage(message),
      lost: () => this.setReconnecting(true),
      ended: (code, everOpened) => void this.onSocketEnded(code, everOpened),
    });
    this.wireControls();
  }

  /** Connects and joins. */
  start(): void {
    void this.signaling.connect();
  }

  /** Leaves on purpose (the Leave button, or the tab going away). */
  leave(showBanner = true): void {
    if (this.endedAs) return;
    this.signaling.send({ type: "leave" });
    this.signaling.stop();
    this.finish("left", showBanner ? "left" : null);
  }

  /** Applies a newly chosen speaker to every remote audio element. */
  setSpeaker(sinkId: string): void {
    this.media.speakerId = sinkId;
    this.ui.setSpeaker(sinkId);
  }

  /* ------------------------------------------------------------ messages */

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case "welcome":
        this.onWelcome(message);
        break;
      case "publish-answer":
        this.publisher?.handleAnswer(message.sdp);
        break;
      case "subscribe-offer":
        this.ensureSubscriberWatch();
        void this.subscriber?.handleOffer(message.sdp, message.tracks);
        break;
      case "ice":
        if (message.pc === "publisher") void this.publisher?.addRemoteCandidate(message.candidate);
        else this.subscriber?.addRemoteCandidate(message.candidate);
        break;
      case "participant-joined":
        if (message.participant.peerId === this.me?.peerId) break;
        if (!this.participants.has(message.participant.peerId)) this.chat.notice(t("room.event.joined", { name: message.participant.name }));
        this.participants.set(message.participant.peerId, message.participant);
        this.ui.upsert(message.participant);
        this.applyTracks();
        break;
      case "participant-updated":
        if (message.participant.peerId === this.me?.peerId) {
          this.me = message.participant;
          this.ui.upsert(this.ownView(), true);
        } else {
          this.participants.set(message.participant.peerId, message.participant);
          this.ui.upsert(message.participant);
          this.applyTracks();
        }
        break;
      case "participant-left": {
        const gone = this.participants.get(message.peerId);
        if (gone) this.chat.notice(t("room.event.left", { name: gone.name }));
        this.participants.delete(message.peerId);
        this.ui.removeParticipant(message.peerId);
        break;
      }
      case "active-speaker":
        this.ui.setActiveSpeaker(message.peerId);
        break;
      case "chat":
        this.chat.add(message, message.from === this.me?.peerId);
        break;
      case "muted-by-owner":
        this.media.microphoneOn = false;
        void this.publisher?.setTrack("microphone", null);
        this.afterLocalChange();
        this.ui.banner("muted-by-owner", true);
        break;
      case "room-locked":
        this.locked = message.locked;
        this.ui.setLocked(message.locked);
        break;
      case "removed":
        this.finish("removed", "removed");
        break;
      case "call-ended": {
        // Reasons other than the owner's (minutes used up, a ban) come with the server's sentence naming them.
        const why = message.reason === "room-deleted" ? t("room.banner.ended_deleted") : message.reason === "ended-by-owner" ? undefined : message.message;
        this.finish("ended", "ended", why);
        break;
      }
      case "limit-warning":
        this.ui.banner("media-warning", true, localized(message.code, message.message, message.vars));
        break;
      case "media-warning":
        this.ui.banner("media-warning", true, t("room.banner.media_warning", { message: message.message }));
        break;
      case "error":
        this.lastError = { code: message.code, message: localized(message.code, message.message, message.vars) };
        // An error while our offer waits is most likely about that offer.
        if (/^(sfu|media|plan)\./.test(message.code)) this.publisher?.handleRefusal(this.lastError.message);
        if (!this.joined) break;
        // A plan limit (e.g. no screen sharing): say which, and stop what it refused.
        if (message.code.startsWith("plan.")) this.ui.banner("media-warning", true, this.lastError.message);
        if (message.code === "plan.screen_share_not_allowed" && this.screen) {
          this.screen.stop();
          this.screenEnded();
        }
        console.warn("youmeet: server said", message.code, message.message);
        break;
      case "pong":
        break;
    }
  }

  private onWelcome(message: Extract<ServerMessage, { type: "welcome" }>): void {
    this.iceServers = message.iceServers.map((server) => ({ ...server }));
    this.teardownConnections();
    this.ui.clear();
    this.participants.clear();
    this.me = message.you;
    this.joined = true;
    this.lastError = null;
    this.locked = message.room.locked;
    this.ui.setLocked(message.room.locked);
    this.ui.showCall(true);
    this.ui.banner("media-warning", false);
    this.setReconnecting(false);
    this.ui.upsert(this.ownView(), true);
    this.ui.setVideo(this.me.peerId, this.media.cameraOn ? this.media.camera : null);
    for (const participant of message.participants) {
      this.participants.set(participant.peerId, participant);
      this.ui.upsert(participant);
    }
    this.buildConnections();
    this.quality.start();
  }

  /* ------------------------------------------------------------ connections */

  private buildConnections(): void {
    const send = (message: Parameters<Signaling["send"]>[0]) => void this.signaling.send(message);
    this.pcTrouble = { publisher: false, subscriber: false };
    this.publisher = new Publisher(this.iceServers, { send, stateChanged: (state) => this.pcState("publisher", state) }, {
      microphone: this.media.microphoneOn ? this.media.microphone : null,
      camera: this.media.cameraOn ? this.media.camera : null,
    });
    this.subscriber = new Subscriber(this.iceServers, {
      send,
      tracksChanged: () => this.applyTracks(),
      stateChanged: (state) => this.pcState("subscriber", state),
    });
    const banner = (show: boolean) => () => this.ui.banner("media-ports", show);
    this.stopWatches.push(watchIce(this.publisher.pc, banner(true), banner(false)));
    this.publisher.start();
    if (this.screen) void this.publisher.setScreen(this.screen.video, this.screen.audio);
  }

  private subscriberWatched = false;

  private ensureSubscriberWatch(): void {
    if (this.subscriberWatched || !this.subscriber) return;
    this.subscriberWatched = true;
    this.stopWatches.push(watchIce(this.subscriber.pc, () => this.ui.banner("media-ports", true), () => this.ui.banner("media-ports", false)));
  }

  private teardownConnections(): void {
    for (const stop of this.stopWatches) stop();
    this.stopWatches = [];
    this.subscriberWatched = false;
    this.quality.stop();
    clearTimeout(this.troubleTimer);
    this.troubleTimer = 0;
    this.publisher?.close();
    this.subscriber?.close();
    this.publisher = null;
    this.subscriber = null;
  }

  /** Tracks the connections' health: "reconnecting" while broken, a rejoin if it lasts. */
  private pcState(which: "publisher" | "subscriber", state: RTCPeerConnectionState): void {
    this.pcTrouble[which] = state === "disconnected" || state === "failed";
    const trouble = this.pcTrouble.publisher || this.pcTrouble.subscriber;
    this.setReconnecting(trouble || !this.signaling.open);
    if (trouble && !this.troubleTimer) {
      this.troubleTimer = window.setTimeout(() => {
        this.troubleTimer = 0;
        if (this.pcTrouble.publisher || this.pcTrouble.subscriber) this.signaling.reconnectNow();
      }, ESCALATE_AFTER_MS);
    } else if (!trouble && this.troubleTimer) {
      clearTimeout(this.troubleTimer);
      this.troubleTimer = 0;
    }
  }

  /** Puts every remote track on its participant's tile. */
  private applyTracks(): void {
    const tracks: readonly RemoteTrack[] = this.subscriber?.tracks() ?? [];
    for (const [peerId, participant] of this.participants) {
      const mine = tracks.filter((remote) => remote.peerId === peerId && remote.track.readyState !== "ended");
      const find = (source: RemoteTrack["source"]) => mine.find((remote) => remote.source === source)?.track ?? null;
      this.ui.setVideo(peerId, find("camera"));
      this.ui.setAudio(peerId, "microphone", find("microphone"), this.media.speakerId);
      this.ui.setAudio(peerId, "screen-audio", find("screen-audio"), this.media.speakerId);
      const screen = participant.media.screen || mine.some((r) => r.source === "screen") ? find("screen") : null;
      this.ui.setScreen(peerId, screen, t("room.screen.of", { name: participant.name }));
    }
  }

  /* ------------------------------------------------------------ local media */

  private mediaState(): { audio: boolean; video: boolean; screen: boolean } {
    return {
      audio: this.media.microphoneOn && this.media.microphone !== null,
      video: this.media.cameraOn && this.media.camera !== null,
      screen: this.screen !== null,
    };
  }

  private ownView(): ParticipantView {
    const me = this.me!;
    return { ...me, media: this.mediaState(), mutedByOwner: me.mutedByOwner && !this.media.microphoneOn };
  }

  private afterLocalChange(): void {
    const media = this.mediaState();
    this.ui.setPressed("mic-button", media.audio);
    this.ui.setPressed("camera-button", media.video);
    this.ui.setPressed("screen-button", media.screen);
    if (!this.me) return;
    this.ui.upsert(this.ownView(), true);
    this.ui.setVideo(this.me.peerId, media.video ? this.media.camera : null);
    if (this.joined) this.signaling.send({ type: "media-state", media });
  }

  private async toggleMicrophone(): Promise<void> {
    if (this.media.microphoneOn && this.media.microphone) {
      this.media.microphoneOn = false;
      await this.publisher?.setTrack("microphone", null);
    } else {
      if (!this.media.microphone || this.media.microphone.readyState === "ended") {
        try {
          this.media.microphone = await openMicrophone(this.media.microphoneId);
        } catch {
          this.ui.banner("media-warning", true, t("room.permission.denied"));
          return;
        }
      }
      this.media.microphoneOn = true;
      this.ui.banner("muted-by-owner", false);
      await this.publisher?.setTrack("microphone", this.media.microphone);
    }
    this.afterLocalChange();
  }

  private async toggleCamera(): Promise<void> {
    if (this.media.cameraOn && this.media.camera) {
      // Stop the camera itself so its light goes off, not only what we send.
      this.media.cameraOn = false;
      this.media.camera.stop();
      this.media.camera = null;
      await this.publisher?.setTrack("camera", null);
    } else {
      try {
        this.media.camera = await openCamera(this.media.cameraId);
      } catch (error) {
        this.ui.banner("media-warning", true, t("room.permission.camera_failed", { message: (error as Error).message }));
        return;
      }
      this.media.cameraOn = true;
      await this.publisher?.setTrack("camera", this.media.camera);
    }
    this.afterLocalChange();
  }

  private async toggleScreen(): Promise<void> {
    if (this.screen) {
      this.screen.stop();
      this.screenEnded();
      return;
    }
    try {
      this.screen = await startScreenShare(() => this.screenEnded());
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== "NotAllowedError" && name !== "AbortError") {
        this.ui.banner("media-warning", true, t("room.screen.failed", { message: (error as Error).message }));
      }
      return;
    }
    if (this.me) this.ui.setScreen(this.me.peerId, this.screen.video, t("room.screen.yours"));
    await this.publisher?.setScreen(this.screen.video, this.screen.audio);
    this.afterLocalChange();
  }

  /** The share stopped (our button or the browser's own bar). */
  private screenEnded(): void {
    if (!this.screen) return;
    this.screen = null;
    if (this.me) this.ui.setScreen(this.me.peerId, null, "");
    void this.publisher?.setScreen(null, null);
    this.afterLocalChange();
  }

  /* ------------------------------------------------------------ lifecycle */

  private async socketUrl(): Promise<string> {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const base = `${scheme}//${location.host}/r/${encodeURIComponent(this.options.roomId)}/ws`;
    if (!this.options.guestToken) return base;
    return `${base}?guest=${encodeURIComponent(await this.options.guestToken())}`;
  }

  private setReconnecting(on: boolean): void {
    if (this.endedAs) on = false;
    this.ui.banner("reconnecting", on && this.joined);
    this.root.dataset.reconnecting = String(on);
  }

  private async onSocketEnded(code: number, everOpened: boolean): Promise<void> {
    if (code === 4001) return this.finish("removed", "removed");
    if (code === 4002) return this.finish("ended", "ended");
    if (code === 4004) return this.finish("replaced", "replaced");
    const error = this.lastError;
    let banner: BannerName = "connect-failed";
    let text: string | undefined;
    if (error?.code.startsWith("plan.")) {
      banner = "refused";
      text = t("room.banner.refused", { message: error.message });
    } else if (error && /locked/.test(error.code)) banner = "locked";
    else if (error && /full|limit/.test(error.code)) banner = "full";
    else if (error && /not_found|deleted/.test(error.code)) banner = "not-found";
    else if (error) {
      banner = "refused";
      text = t("room.banner.refused", { message: error.message });
    } else if (!everOpened) {
      // The upgrade was refused before any message: ask the page itself what is wrong.
      const status = await fetch(location.pathname, { method: "GET", credentials: "same-origin" }).then((r) => r.status).catch(() => 0);
      if (status === 404 || status === 410) banner = "not-found";
      else if (status === 423) banner = "locked";
    }
    this.finish(banner, banner, text);
  }

  /** The call is over for this page: stop media, show why. */
  private finish(reason: string, banner: BannerName | null, text?: string): void {
    if (this.endedAs) return;
    this.endedAs = reason;
    this.joined = false;
    this.signaling.stop();
    this.teardownConnections();
    this.screen?.stop();
    this.screen = null;
    this.media.camera?.stop();
    this.media.microphone?.stop();
    this.ui.clear();
    this.participants.clear();
    this.ui.showCall(false);
    document.getElementById("prejoin")!.hidden = true;
    this.root.dataset.phase = "over";
    this.ui.clearBanners();
    this.setReconnecting(false);
    if (banner) this.ui.banner(banner, true, text);
    this.chat.clear();
  }

  private wireControls(): void {
    const on = (id: string, handler: () => void) => document.getElementById(id)?.addEventListener("click", handler);
    on("mic-button", () => void this.toggleMicrophone());
    on("camera-button", () => void this.toggleCamera());
    on("screen-button", () => void this.toggleScreen());
    on("leave-button", () => this.leave());
    on("lock-button", () => this.signaling.send({ type: "lock", locked: !this.locked }));
    on("end-button", () => {
      if (window.confirm(t("room.owner.end_confirm"))) this.signaling.send({ type: "end" });
    });
    on("chat-button", () => this.togglePanel("chat-panel"));
    on("people-button", () => this.togglePanel("people-panel"));
    for (const button of this.root.querySelectorAll<HTMLElement>("[data-close-panel]")) {
      button.addEventListener("click", () => this.togglePanel(button.closest("aside")!.id, false));
    }
    this.afterLocalChange();
  }

  private togglePanel(id: string, force?: boolean): void {
    for (const panelId of ["chat-panel", "people-panel"]) {
      const panel = document.getElementById(panelId)!;
      const open = panelId === id ? (force ?? panel.hidden) : false;
      panel.hidden = !open;
      document.getElementById(panelId === "chat-panel" ? "chat-button" : "people-button")?.setAttribute("aria-expanded", String(open));
      if (open && panelId === "chat-panel") this.chat.opened();
    }
    this.root.dataset.panel = document.getElementById("chat-panel")!.hidden
      ? document.getElementById("people-panel")!.hidden
        ? "none"
        : "people"
      : "chat";
  }
}
