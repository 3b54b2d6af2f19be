/**
 * What the call looks like: a tile per participant (name, marks, speaking, quality), our
 * own preview tile, a large stage for screen shares, the participants list with the owner's
 * controls, the side panels and the banners. It only renders; the call decides.
 */

import type { ParticipantView } from "../../signal/protocol.ts";
import type { Quality } from "./quality.ts";
import { t } from "./texts.ts";

export type { ParticipantView };

/** Names of the banners the page renders (data-banner). */
export type BannerName =
  | "reconnecting"
  | "media-ports"
  | "media-warning"
  | "muted-by-owner"
  | "removed"
  | "ended"
  | "locked"
  | "full"
  | "not-found"
  | "refused"
  | "replaced"
  | "connect-failed"
  | "left";

interface Tile {
  el: HTMLElement;
  video: HTMLVideoElement;
  name: HTMLElement;
  audio: Map<string, HTMLAudioElement>;
  person: HTMLLIElement | null;
}

/** What the owner's buttons in the participants list do. */
export interface OwnerActions {
  mute(peerId: string): void;
  remove(peerId: string): void;
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

function clone<T extends Element>(templateId: string): T {
  const template = byId<HTMLTemplateElement>(templateId);
  return template.content.firstElementChild!.cloneNode(true) as T;
}

/** The call section of the meeting page. */
export class CallUi {
  private readonly grid = byId<HTMLDivElement>("grid");
  private readonly stage = byId<HTMLDivElement>("stage");
  private readonly peopleList = byId<HTMLUListElement>("people-list");
  private readonly peopleCount = byId<HTMLElement>("people-count");
  private readonly peopleBadge = byId<HTMLElement>("people-badge");
  private readonly tiles = new Map<string, Tile>();
  private readonly screens = new Map<string, HTMLElement>();
  private selfId = "";
  private speakerId = "";

  /** Binds to the rendered page. */
  constructor(
    private readonly root: HTMLElement,
    private readonly isOwner: boolean,
    private readonly owner: OwnerActions,
  ) {
    this.peopleList.addEventListener("click", (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>("[data-owner-action]");
      const peerId = button?.closest<HTMLElement>("[data-peer-id]")?.dataset.peerId;
      if (!button || !peerId) return;
      if (button.dataset.ownerAction === "mute") this.owner.mute(peerId);
      if (button.dataset.ownerAction === "remove") this.owner.remove(peerId);
    });
  }

  /** Switches the page between the pre-join form and the call. */
  showCall(on: boolean): void {
    this.root.dataset.phase = on ? "call" : "prejoin";
    byId("call").hidden = !on;
    byId("prejoin").hidden = on;
    document.body.classList.toggle("in-call", on);
  }

  /** Shows or hides a banner; `text` replaces its sentence when given. */
  banner(name: BannerName, show: boolean, text?: string): void {
    const element = this.root.querySelector<HTMLElement>(`[data-banner="${name}"]`);
    if (!element) return;
    if (text !== undefined) {
      const paragraph = element.querySelector<HTMLElement>("[data-banner-text]");
      if (paragraph) paragraph.textContent = text;
    }
    element.hidden = !show;
  }

  /** Hides every banner (a fresh join). */
  clearBanners(): void {
    for (const element of this.root.querySelectorAll<HTMLElement>("[data-banner]")) element.hidden = true;
  }

  /** Removes every tile, screen and list entry (before a rejoin rebuilds them). */
  clear(): void {
    for (const peerId of [...this.tiles.keys()]) this.removeParticipant(peerId);
    for (const peerId of [...this.screens.keys()]) this.setScreen(peerId, null, "");
  }

  /** Adds or updates a participant's tile and list entry. */
  upsert(participant: ParticipantView, self = false): void {
    if (self) this.selfId = participant.peerId;
    let tile = this.tiles.get(participant.peerId);
    if (!tile) {
      const el = clone<HTMLElement>("tile-template");
      el.dataset.peerId = participant.peerId;
      if (self) el.dataset.self = "true";
      const video = el.querySelector("video")!;
      tile = { el, video, name: el.querySelector(".name")!, audio: new Map(), person: null };
      this.tiles.set(participant.peerId, tile);
      if (self) this.grid.prepend(el);
      else this.grid.append(el);
      tile.person = this.personEntry(participant, self);
      if (self) this.peopleList.prepend(tile.person);
      else this.peopleList.append(tile.person);
    }
    const label = self ? t("room.you", { name: participant.name }) : participant.name;
    tile.name.textContent = label;
    tile.el.querySelector(".avatar-initial")!.textContent = initial(participant.name);
    const muted = !participant.media.audio || participant.mutedByOwner;
    for (const el of [tile.el, tile.person!]) {
      el.dataset.muted = String(muted);
      el.dataset.mutedByOwner = String(participant.mutedByOwner);
      el.dataset.cameraOff = String(!participant.media.video);
      el.dataset.role = participant.role;
      const mark = el.querySelector<HTMLElement>(".mark.muted");
      if (mark) mark.title = participant.mutedByOwner ? t("room.mark.muted_by_owner") : t("room.mark.muted");
    }
    const name = tile.person!.querySelector(".person-name")!;
    name.textContent = label;
    const role = tile.person!.querySelector(".person-role")!;
    role.textContent = participant.role === "owner" ? t("room.role.owner") : participant.role === "guest" ? t("room.role.guest") : "";
    const muteButton = tile.person!.querySelector<HTMLButtonElement>('[data-owner-action="mute"]');
    if (muteButton) muteButton.disabled = muted;
    this.counted();
  }

  /** Removes a participant's tile, screen and list entry. */
  removeParticipant(peerId: string): void {
    const tile = this.tiles.get(peerId);
    if (tile) {
      tile.video.srcObject = null;
      for (const audio of tile.audio.values()) {
        audio.srcObject = null;
        audio.remove();
      }
      tile.el.remove();
      tile.person?.remove();
      this.tiles.delete(peerId);
    }
    this.setScreen(peerId, null, "");
    if (this.speakerId === peerId) this.speakerId = "";
    this.counted();
  }

  /** Shows a camera track on a tile (null: none). */
  setVideo(peerId: string, track: MediaStreamTrack | null): void {
    const tile = this.tiles.get(peerId);
    if (!tile) return;
    const currentTrack = (tile.video.srcObject as MediaStream | null)?.getVideoTracks()[0] ?? null;
    if (currentTrack === track) return;
    tile.video.srcObject = track ? new MediaStream([track]) : null;
    if (track) void tile.video.play().catch(() => {});
  }

  /** Plays a participant's audio track (microphone or screen audio) through the chosen speaker. */
  setAudio(peerId: string, key: string, track: MediaStreamTrack | null, sinkId: string): void {
    const tile = this.tiles.get(peerId);
    if (!tile) return;
    let audio = tile.audio.get(key);
    if (!track) {
      if (audio) {
        audio.srcObject = null;
        audio.remove();
        tile.audio.delete(key);
      }
      return;
    }
    if (!audio) {
      audio = document.createElement("audio");
      audio.autoplay = true;
      tile.audio.set(key, audio);
      tile.el.append(audio);
    }
    const currentTrack = (audio.srcObject as MediaStream | null)?.getAudioTracks()[0] ?? null;
    if (currentTrack !== track) audio.srcObject = new MediaStream([track]);
    applySink(audio, sinkId);
    void audio.play().catch(() => {});
  }

  /** Sends every remote audio element to this output device ("" default). */
  setSpeaker(sinkId: string): void {
    for (const tile of this.tiles.values()) for (const audio of tile.audio.values()) applySink(audio, sinkId);
  }

  /** Shows (track) or removes (null) a participant's screen share on the stage. */
  setScreen(peerId: string, track: MediaStreamTrack | null, caption: string): void {
    let el = this.screens.get(peerId);
    if (!track) {
      if (el) {
        el.querySelector("video")!.srcObject = null;
        el.remove();
        this.screens.delete(peerId);
      }
    } else {
      if (!el) {
        el = clone<HTMLElement>("screen-template");
        el.dataset.peerId = peerId;
        if (peerId === this.selfId) el.dataset.self = "true";
        this.screens.set(peerId, el);
        this.stage.append(el);
      }
      el.querySelector(".name")!.textContent = caption;
      const video = el.querySelector("video")!;
      const currentTrack = (video.srcObject as MediaStream | null)?.getVideoTracks()[0] ?? null;
      if (currentTrack !== track) {
        video.srcObject = new MediaStream([track]);
        void video.play().catch(() => {});
      }
    }
    this.stage.hidden = this.screens.size === 0;
    this.root.querySelector(".call-main")?.setAttribute("data-stage", this.screens.size > 0 ? "on" : "off");
  }

  /** Highlights the loudest participant. */
  setActiveSpeaker(peerId: string | null): void {
    this.speakerId = peerId ?? "";
    for (const [id, tile] of this.tiles) tile.el.dataset.speaking = String(id === peerId);
  }

  /** Shows a tile's connection-quality mark. */
  setQuality(peerId: string, quality: Quality): void {
    const tile = this.tiles.get(peerId);
    if (!tile || tile.el.dataset.quality === quality) return;
    tile.el.dataset.quality = quality;
    const mark = tile.el.querySelector<HTMLElement>(".quality");
    const label = t(`room.quality.${quality}`);
    mark?.setAttribute("aria-label", label);
    if (mark) mark.title = label;
  }

  /** Reflects the room's lock state on the owner's controls. */
  setLocked(locked: boolean): void {
    this.root.dataset.locked = String(locked);
    const button = document.getElementById("lock-button");
    if (button) {
      button.setAttribute("aria-pressed", String(locked));
      button.textContent = locked ? t("room.owner.unlock") : t("room.owner.lock");
    }
    const state = document.getElementById("lock-state");
    if (state) state.textContent = locked ? t("room.owner.locked") : t("room.owner.unlocked");
  }

  /** Marks a control button as on or off. */
  setPressed(id: string, pressed: boolean): void {
    document.getElementById(id)?.setAttribute("aria-pressed", String(pressed));
  }

  private personEntry(participant: ParticipantView, self: boolean): HTMLLIElement {
    const item = clone<HTMLLIElement>("person-template");
    item.dataset.peerId = participant.peerId;
    if (self || !this.isOwner) item.querySelector(".person-actions")?.remove();
    return item;
  }

  private counted(): void {
    const count = this.tiles.size;
    this.grid.dataset.count = String(Math.min(count, 9));
    this.peopleCount.textContent = t("room.people.count", { count });
    this.peopleBadge.textContent = String(count);
  }
}

function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? "?").toUpperCase();
}

function applySink(element: HTMLMediaElement, sinkId: string): void {
  const media = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
  if (typeof media.setSinkId !== "function" || media.sinkId === sinkId) return;
  void media.setSinkId(sinkId).catch(() => {});
}
