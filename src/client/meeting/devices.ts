/**
 * Cameras, microphones and speakers: feature detection, the choice (remembered in local
 * storage, never sent anywhere), opening tracks with the chosen device, the pre-join
 * preview and the microphone level meter.
 */

import { t } from "./texts.ts";

/** The three kinds of device a person picks. */
export type DeviceKind = "videoinput" | "audioinput" | "audiooutput";

const STORAGE_KEYS: Record<DeviceKind, string> = {
  videoinput: "youmeet.camera",
  audioinput: "youmeet.microphone",
  audiooutput: "youmeet.speaker",
};
const JOIN_KEYS = { camera: "youmeet.join-camera", microphone: "youmeet.join-microphone" } as const;

/** Why a device could not be opened, in the words the page uses. */
export type MediaProblem = "denied" | "none" | "failed";

/** True when this browser can take part in a call at all (WebRTC and getUserMedia). */
export function webrtcSupported(): boolean {
  return (
    typeof RTCPeerConnection === "function" &&
    typeof navigator.mediaDevices?.getUserMedia === "function" &&
    typeof RTCRtpTransceiver === "function" &&
    typeof WebSocket === "function"
  );
}

/** True when the browser can choose an audio output for media elements. */
export function speakerSelectable(): boolean {
  return typeof (HTMLMediaElement.prototype as { setSinkId?: unknown }).setSinkId === "function";
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // Storage blocked (privacy mode, sandbox): choices just are not remembered.
  }
}

/** The remembered device id of a kind ("" for the default). */
export function rememberedDevice(kind: DeviceKind): string {
  return storage()?.getItem(STORAGE_KEYS[kind]) ?? "";
}

/** Remembers the chosen device of a kind. */
export function rememberDevice(kind: DeviceKind, deviceId: string): void {
  const store = storage();
  if (!store) return;
  if (deviceId) store.setItem(STORAGE_KEYS[kind], deviceId);
  else store.removeItem(STORAGE_KEYS[kind]);
}

/** Whether to join with camera / microphone on (remembered; on unless turned off). */
export function rememberedJoinChoice(which: keyof typeof JOIN_KEYS): boolean {
  return storage()?.getItem(JOIN_KEYS[which]) !== "off";
}

/** Remembers whether to join with camera / microphone on. */
export function rememberJoinChoice(which: keyof typeof JOIN_KEYS, on: boolean): void {
  storage()?.setItem(JOIN_KEYS[which], on ? "on" : "off");
}

/** Maps a getUserMedia failure to what the page says. */
export function classifyMediaError(error: unknown): MediaProblem {
  const name = (error as { name?: string } | null)?.name ?? "";
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "none";
  return "failed";
}

function constraint(deviceId: string): MediaTrackConstraints | true {
  return deviceId ? { deviceId: { ideal: deviceId } } : true;
}

/** Camera constraints: a modest size keeps phones cool and the SFU light. */
function videoConstraints(deviceId: string): MediaTrackConstraints {
  const base: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };
  return deviceId ? { ...base, deviceId: { ideal: deviceId } } : base;
}

/** Opens the chosen camera; throws the browser's error. */
export async function openCamera(deviceId: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(deviceId) });
  return stream.getVideoTracks()[0]!;
}

/** Opens the chosen microphone; throws the browser's error. */
export async function openMicrophone(deviceId: string): Promise<MediaStreamTrack> {
  const audio = constraint(deviceId);
  const options: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  const stream = await navigator.mediaDevices.getUserMedia({ audio: audio === true ? options : { ...audio, ...options } });
  return stream.getAudioTracks()[0]!;
}

/** What opening both devices gave: the tracks that opened and the problems of the others. */
export interface OpenedMedia {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  cameraProblem: MediaProblem | null;
  microphoneProblem: MediaProblem | null;
  cameraError: string;
}

/** Opens camera and microphone together (one permission prompt), then alone if that fails. */
export async function openBoth(cameraId: string, microphoneId: string, want: { camera: boolean; microphone: boolean }): Promise<OpenedMedia> {
  const result: OpenedMedia = { camera: null, microphone: null, cameraProblem: null, microphoneProblem: null, cameraError: "" };
  if (want.camera && want.microphone) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: videoConstraints(cameraId),
        audio: constraint(microphoneId) === true ? { echoCancellation: true, noiseSuppression: true } : { deviceId: { ideal: microphoneId }, echoCancellation: true, noiseSuppression: true },
      });
      result.camera = stream.getVideoTracks()[0] ?? null;
      result.microphone = stream.getAudioTracks()[0] ?? null;
      return result;
    } catch (error) {
      if (classifyMediaError(error) === "denied") {
        result.cameraProblem = result.microphoneProblem = "denied";
        return result;
      }
      // One of the two may be missing or busy: try each on its own below.
    }
  }
  if (want.microphone) {
    try {
      result.microphone = await openMicrophone(microphoneId);
    } catch (error) {
      result.microphoneProblem = classifyMediaError(error);
    }
  }
  if (want.camera) {
    try {
      result.camera = await openCamera(cameraId);
    } catch (error) {
      result.cameraProblem = classifyMediaError(error);
      result.cameraError = (error as Error)?.message ?? String(error);
    }
  }
  return result;
}

/** Fills the three selects with the devices the browser lists (labels need a permission). */
export async function fillDeviceSelects(selects: Partial<Record<DeviceKind, HTMLSelectElement>>): Promise<void> {
  let devices: MediaDeviceInfo[] = [];
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch {
    devices = [];
  }
  const kindName: Record<DeviceKind, string> = {
    videoinput: t("room.device.camera"),
    audioinput: t("room.device.microphone"),
    audiooutput: t("room.device.speaker"),
  };
  for (const kind of Object.keys(selects) as DeviceKind[]) {
    const select = selects[kind];
    if (!select) continue;
    const ofKind = devices.filter((d) => d.kind === kind && d.deviceId && d.deviceId !== "default" && d.deviceId !== "communications");
    const current = select.value || rememberedDevice(kind);
    select.replaceChildren();
    const fallback = document.createElement("option");
    fallback.value = "";
    fallback.textContent = t("room.device.default");
    select.append(fallback);
    ofKind.forEach((device, i) => {
      const option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent = device.label || t("room.device.unnamed", { kind: kindName[kind], n: i + 1 });
      select.append(option);
    });
    select.value = ofKind.some((d) => d.deviceId === current) ? current : "";
  }
}

/** The microphone level of a track, shown on a <meter>, until stopped. */
export class LevelMeter {
  private context: AudioContext | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private timer = 0;

  /** Starts metering on the element; no-op when Web Audio is missing. */
  constructor(private readonly meter: HTMLMeterElement) {}

  /** Meters this track (replacing the previous one); null shows silence. */
  attach(track: MediaStreamTrack | null): void {
    this.detach();
    if (!track || typeof AudioContext !== "function") return;
    this.context ??= new AudioContext();
    // A context made before a user gesture starts suspended; a later click resumes it.
    void this.context.resume().catch(() => {});
    const analyser = this.context.createAnalyser();
    analyser.fftSize = 512;
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
      const rms = Math.sqrt(sum / samples.length);
      // Speech sits around 0.02-0.2 RMS; a square root spreads it across the meter.
      this.meter.value = Math.min(1, Math.sqrt(rms) * 1.6);
    }, 100);
  }

  /** Resumes the audio context (call from a user gesture). */
  resume(): void {
    void this.context?.resume().catch(() => {});
  }

  /** Stops metering and shows silence. */
  detach(): void {
    clearInterval(this.timer);
    this.source?.disconnect();
    this.source = null;
    this.meter.value = 0;
  }

  /** Releases the audio context. */
  close(): void {
    this.detach();
    void this.context?.close().catch(() => {});
    this.context = null;
  }
}
