/**
 * The pre-join form: camera preview, microphone level, device choices (remembered), the
 * "join with camera / microphone on" toggles, the guest's display name, and the clear
 * messages for a browser without WebRTC or without camera and microphone permission.
 */

import {
  LevelMeter,
  classifyMediaError,
  fillDeviceSelects,
  openBoth,
  openCamera,
  openMicrophone,
  rememberDevice,
  rememberJoinChoice,
  rememberedDevice,
  rememberedJoinChoice,
  speakerSelectable,
  webrtcSupported,
  type DeviceKind,
  type MediaProblem,
} from "./devices.ts";
import type { LocalMedia } from "./call.ts";
import { t } from "./texts.ts";

/** What the person chose when they pressed Join. */
export interface JoinRequest {
  media: LocalMedia;
  /** The guest's display name, or null for a logged-in person. */
  guestName: string | null;
}

function element<T extends HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

/** The pre-join section; calls `join` when the form is submitted and valid. */
export class Prejoin {
  private readonly media: LocalMedia = {
    camera: null,
    microphone: null,
    cameraOn: rememberedJoinChoice("camera"),
    microphoneOn: rememberedJoinChoice("microphone"),
    cameraId: rememberedDevice("videoinput"),
    microphoneId: rememberedDevice("audioinput"),
    speakerId: rememberedDevice("audiooutput"),
  };
  private readonly form = element<HTMLFormElement>("join-form");
  private readonly video = element<HTMLVideoElement>("preview-video");
  private readonly meter: LevelMeter | null;
  private readonly selects: Partial<Record<DeviceKind, HTMLSelectElement>> = {};
  private readonly note = element<HTMLElement>("permission-note");
  private readonly joinError = element<HTMLElement>("join-error");
  private readonly button = element<HTMLButtonElement>("join-button");
  private readonly cameraToggle = element<HTMLInputElement>("join-camera");
  private readonly microphoneToggle = element<HTMLInputElement>("join-microphone");
  private readonly guestName = element<HTMLInputElement>("guest-name");
  private handedOver = false;
  /** The latest device work (opening the preview, switching, toggling) still running. */
  private busy: Promise<void> = Promise.resolve();

  /** Binds to the page; `join` gets the choices and returns an error sentence or null. */
  constructor(
    private readonly root: HTMLElement,
    private readonly join: (request: JoinRequest) => Promise<string | null>,
    private readonly speakerChanged: (sinkId: string) => void,
  ) {
    const meter = element<HTMLMeterElement>("mic-level");
    this.meter = meter ? new LevelMeter(meter) : null;
  }

  /** Checks the browser, opens the preview and wires the form. False: this browser cannot join. */
  async start(): Promise<boolean> {
    if (!webrtcSupported()) {
      const unsupported = this.root.querySelector<HTMLElement>("[data-unsupported]");
      if (unsupported) unsupported.hidden = false;
      this.root.querySelector<HTMLElement>("[data-prejoin-body]")?.setAttribute("hidden", "");
      this.root.dataset.unsupported = "true";
      return false;
    }
    if (!this.form) return true; // Guests are not allowed here: only the login message shows.
    for (const select of this.root.querySelectorAll<HTMLSelectElement>("select[data-device-kind]")) {
      this.selects[select.dataset.deviceKind as DeviceKind] = select;
      select.addEventListener("change", () => this.run(() => this.deviceChosen(select.dataset.deviceKind as DeviceKind, select.value)));
    }
    if (!speakerSelectable()) element("speaker-field")?.setAttribute("hidden", "");
    this.cameraToggle!.checked = this.media.cameraOn;
    this.microphoneToggle!.checked = this.media.microphoneOn;
    this.cameraToggle!.addEventListener("change", () => this.run(() => this.toggle("camera", this.cameraToggle!.checked)));
    this.microphoneToggle!.addEventListener("change", () => this.run(() => this.toggle("microphone", this.microphoneToggle!.checked)));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    });
    // A click anywhere counts as the gesture the level meter's audio context waits for.
    document.addEventListener("pointerdown", () => this.meter?.resume(), { once: true });
    navigator.mediaDevices.addEventListener?.("devicechange", () => void fillDeviceSelects(this.selects));
    this.run(() => this.openPreview());
    await this.busy;
    return true;
  }

  /** Runs device work after the work before it, so tracks are never opened twice at once. */
  private run(work: () => Promise<void>): void {
    this.busy = this.busy.then(work).catch(() => {});
  }

  /** Waits until no device work is running (work may queue more while we wait). */
  private async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.busy;
      await current;
    } while (current !== this.busy);
  }

  /** Stops the preview's own use of the tracks (they go on into the call). */
  private handOver(): LocalMedia {
    this.handedOver = true;
    this.meter?.close();
    if (this.video) this.video.srcObject = null;
    return this.media;
  }

  private async openPreview(): Promise<void> {
    const opened = await openBoth(this.media.cameraId, this.media.microphoneId, {
      camera: this.media.cameraOn,
      microphone: this.media.microphoneOn,
    });
    this.media.camera = opened.camera;
    this.media.microphone = opened.microphone;
    this.showProblem(opened.cameraProblem ?? opened.microphoneProblem, opened.cameraError);
    this.showPreview();
    await fillDeviceSelects(this.selects);
  }

  private showProblem(problem: MediaProblem | null, detail = ""): void {
    if (!this.note) return;
    this.root.dataset.permission = problem ?? "ok";
    if (!problem) {
      this.note.hidden = true;
      return;
    }
    this.note.textContent =
      problem === "denied" ? t("room.permission.denied") : problem === "none" ? t("room.permission.none") : t("room.permission.camera_failed", { message: detail });
    this.note.hidden = false;
  }

  private showPreview(): void {
    const camera = this.media.cameraOn ? this.media.camera : null;
    if (this.video) {
      this.video.srcObject = camera ? new MediaStream([camera]) : null;
      if (camera) void this.video.play().catch(() => {});
    }
    this.root.dataset.preview = camera ? "on" : "off";
    this.meter?.attach(this.media.microphoneOn ? this.media.microphone : null);
  }

  private async deviceChosen(kind: DeviceKind, deviceId: string): Promise<void> {
    rememberDevice(kind, deviceId);
    if (kind === "audiooutput") {
      this.media.speakerId = deviceId;
      this.speakerChanged(deviceId);
      return;
    }
    try {
      if (kind === "videoinput") {
        this.media.cameraId = deviceId;
        if (!this.media.cameraOn) return;
        this.media.camera?.stop();
        this.media.camera = null;
        this.media.camera = await openCamera(deviceId);
      } else {
        this.media.microphoneId = deviceId;
        if (!this.media.microphoneOn) return;
        this.media.microphone?.stop();
        this.media.microphone = null;
        this.media.microphone = await openMicrophone(deviceId);
      }
      this.showProblem(null);
    } catch (error) {
      this.showProblem("failed", (error as Error).message);
    }
    this.showPreview();
  }

  private async toggle(which: "camera" | "microphone", on: boolean): Promise<void> {
    rememberJoinChoice(which, on);
    if (which === "camera") {
      this.media.cameraOn = on;
      if (!on) {
        this.media.camera?.stop();
        this.media.camera = null;
      } else if (!this.media.camera) {
        try {
          this.media.camera = await openCamera(this.media.cameraId);
        } catch (error) {
          this.showProblem(classifyMediaError(error), (error as Error).message);
        }
      }
    } else {
      this.media.microphoneOn = on;
      if (!on) {
        this.media.microphone?.stop();
        this.media.microphone = null;
      } else if (!this.media.microphone) {
        try {
          this.media.microphone = await openMicrophone(this.media.microphoneId);
        } catch (error) {
          this.showProblem(classifyMediaError(error), (error as Error).message);
        }
      }
    }
    this.showPreview();
    await fillDeviceSelects(this.selects);
  }

  private async submit(): Promise<void> {
    if (this.handedOver || !this.button || this.button.disabled) return;
    this.meter?.resume();
    let guestName: string | null = null;
    if (this.guestName) {
      guestName = this.guestName.value.trim();
      if (guestName.length < 1 || Array.from(guestName).length > 64) {
        this.showJoinError(t("room.guest.invalid"));
        this.guestName.focus();
        return;
      }
    }
    this.showJoinError(null);
    const label = this.button.textContent;
    this.button.disabled = true;
    this.button.textContent = t("room.join.working");
    // Someone who presses Join before the camera and microphone are open must still join
    // with them: the call is built from the tracks we hand over now.
    await this.settled();
    const error = await this.join({ media: this.handOver(), guestName });
    if (error) {
      this.handedOver = false;
      this.button.disabled = false;
      this.button.textContent = label;
      this.showJoinError(error);
      this.showPreview();
    }
  }

  private showJoinError(text: string | null): void {
    if (!this.joinError) return;
    this.joinError.hidden = text === null;
    this.joinError.textContent = text ?? "";
  }
}
