/**
 * Active speaker detection from the ssrc-audio-level header extension (RFC 6464). The hot
 * path only adds each packet's loudness to its track's counters; this module looks at them
 * on a timer, so detection costs nothing per packet and nothing when nobody talks.
 */

import type { UpTrack } from "./forwarder.ts";

/** Loudness (127 - dBov) a track must average to count as speaking: about -50 dBov. */
export const SPEAKING_THRESHOLD = 77;

/** Consecutive ticks a new loudest track must win before it becomes the active speaker. */
export const SWITCH_TICKS = 2;

/** Chooses a room's active speaker from its audio tracks' accumulated levels. */
export class SpeakerDetector {
  private current: string | null = null;
  private candidate: string | null = null;
  private candidateTicks = 0;

  /** `onChange` receives the publisher peer id of the new active speaker. */
  constructor(private readonly onChange: (peerId: string | null) => void) {}

  /** The peer currently considered the active speaker, if any. */
  get activePeerId(): string | null {
    return this.current;
  }

  /**
   * Reads and resets every audio track's level counters, then switches the active speaker
   * when another peer has been the loudest speaking one for SWITCH_TICKS ticks in a row.
   * Silence keeps the last speaker (the UI keeps highlighting who spoke last).
   */
  tick(tracks: readonly UpTrack[]): void {
    let loudest: string | null = null;
    let best = SPEAKING_THRESHOLD;
    for (const track of tracks) {
      if (track.kind !== "audio") continue;
      const count = track.levelCount;
      const sum = track.levelSum;
      track.levelCount = 0;
      track.levelSum = 0;
      if (count === 0 || !track.enabled || track.ended) continue;
      const average = sum / count;
      if (average >= best) {
        best = average;
        loudest = track.peerId;
      }
    }
    if (loudest === null || loudest === this.current) {
      this.candidate = null;
      this.candidateTicks = 0;
      return;
    }
    if (loudest === this.candidate) {
      this.candidateTicks++;
    } else {
      this.candidate = loudest;
      this.candidateTicks = 1;
    }
    if (this.candidateTicks >= SWITCH_TICKS || this.current === null) {
      this.current = loudest;
      this.candidate = null;
      this.candidateTicks = 0;
      this.onChange(loudest);
    }
  }

  /** Forgets a peer that left; reports "nobody" if it was the active speaker. */
  forget(peerId: string): void {
    if (this.candidate === peerId) {
      this.candidate = null;
      this.candidateTicks = 0;
    }
    if (this.current === peerId) {
      this.current = null;
      this.onChange(null);
    }
  }
}
