/**
 * Screen sharing: asks the browser for a screen, window or tab, and notices when the person
 * stops it from the browser's own "stop sharing" bar (the track ends).
 */

/** A running screen share. */
export interface ScreenShare {
  video: MediaStreamTrack;
  audio: MediaStreamTrack | null;
  stop(): void;
}

/** True when this browser can share a screen (phones mostly cannot). */
export function screenShareSupported(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === "function";
}

/** Starts a share; `ended` runs once when it stops for any reason but our own stop(). */
export async function startScreenShare(ended: () => void): Promise<ScreenShare> {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { frameRate: { ideal: 15, max: 30 } },
    audio: true,
  });
  const video = stream.getVideoTracks()[0];
  if (!video) {
    for (const track of stream.getTracks()) track.stop();
    throw new Error("no video in the screen capture");
  }
  // Text and slides: keep them sharp rather than smooth.
  video.contentHint = "detail";
  const audio = stream.getAudioTracks()[0] ?? null;
  let stopped = false;
  const finish = () => {
    if (stopped) return;
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    ended();
  };
  video.addEventListener("ended", finish);
  return {
    video,
    audio,
    stop: () => {
      stopped = true;
      for (const track of stream.getTracks()) track.stop();
    },
  };
}
