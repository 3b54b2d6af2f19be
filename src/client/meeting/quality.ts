/**
 * Connection quality from getStats every 2 s: packet loss, round-trip time and bitrate
 * become a good / fair / poor mark per participant (what we receive from them) and for
 * ourselves (what we send). Also watches that ICE connects at all: no connection within
 * ~8 s almost always means the media ports are unreachable (UDP blocked, wrong address).
 */

import type { Publisher } from "./publisher.ts";
import type { RemoteTrack, Subscriber } from "./subscriber.ts";

/** The mark a tile shows. */
export type Quality = "good" | "fair" | "poor" | "unknown";

const INTERVAL_MS = 2_000;
/** ICE that has not connected after this long is reported as unreachable media ports. */
export const ICE_TIMEOUT_MS = 8_000;

/** Thresholds in the spirit of common WebRTC dashboards: loss fraction and RTT in seconds. */
export function classify(loss: number, rtt: number | null, flowing: boolean): Quality {
  if (!flowing || loss > 0.08 || (rtt !== null && rtt > 0.5)) return "poor";
  if (loss > 0.02 || (rtt !== null && rtt > 0.25)) return "fair";
  return "good";
}

interface Counter {
  received: number;
  lost: number;
  bytes: number;
}

/** What the monitor reads and whom it tells. */
export interface QualitySources {
  publisher(): Publisher | null;
  subscriber(): Subscriber | null;
  /** Whether a participant is supposed to be sending audio or video now. */
  expectsMedia(peerId: string): boolean;
  /** Whether we are sending audio or video now. */
  sending(): boolean;
  report(peerId: string | null, quality: Quality): void;
}

/** Polls getStats while the call runs. */
export class QualityMonitor {
  private timer = 0;
  private previous = new Map<string, Counter>();
  private previousSent = { bytes: 0, at: 0 };

  /** Creates a stopped monitor. */
  constructor(private readonly sources: QualitySources) {}

  /** Starts polling. */
  start(): void {
    this.stop();
    this.timer = window.setInterval(() => void this.tick().catch(() => {}), INTERVAL_MS);
  }

  /** Stops polling and forgets counters. */
  stop(): void {
    clearInterval(this.timer);
    this.previous.clear();
    this.previousSent = { bytes: 0, at: 0 };
  }

  private async tick(): Promise<void> {
    const subscriber = this.sources.subscriber();
    if (subscriber) await this.measureReceived(subscriber);
    const publisher = this.sources.publisher();
    if (publisher) await this.measureSent(publisher);
  }

  private async measureReceived(subscriber: Subscriber): Promise<void> {
    const report = await subscriber.pc.getStats();
    const rtt = selectedPairRtt(report);
    const byTrack = new Map<string, RemoteTrack>();
    for (const remote of subscriber.tracks()) byTrack.set(remote.track.id, remote);
    const perPeer = new Map<string, { received: number; lost: number; bytes: number }>();
    report.forEach((stat: { type: string; id: string; trackIdentifier?: string; mid?: string; packetsReceived?: number; packetsLost?: number; bytesReceived?: number }) => {
      if (stat.type !== "inbound-rtp") return;
      const remote = (stat.trackIdentifier && byTrack.get(stat.trackIdentifier)) || subscriber.tracks().find((r) => r.mid === stat.mid);
      if (!remote) return;
      const now = { received: stat.packetsReceived ?? 0, lost: Math.max(0, stat.packetsLost ?? 0), bytes: stat.bytesReceived ?? 0 };
      const before = this.previous.get(stat.id + remote.peerId) ?? { received: now.received, lost: now.lost, bytes: now.bytes };
      this.previous.set(stat.id + remote.peerId, now);
      const sum = perPeer.get(remote.peerId) ?? { received: 0, lost: 0, bytes: 0 };
      sum.received += Math.max(0, now.received - before.received);
      sum.lost += Math.max(0, now.lost - before.lost);
      sum.bytes += Math.max(0, now.bytes - before.bytes);
      perPeer.set(remote.peerId, sum);
    });
    for (const [peerId, sum] of perPeer) {
      const total = sum.received + sum.lost;
      const loss = total > 0 ? sum.lost / total : 0;
      const flowing = !this.sources.expectsMedia(peerId) || sum.received > 0;
      this.sources.report(peerId, classify(loss, rtt, flowing));
    }
  }

  private async measureSent(publisher: Publisher): Promise<void> {
    const report = await publisher.getStats();
    const rtt = selectedPairRtt(report);
    let bytes = 0;
    let loss = 0;
    report.forEach((stat: { type: string; bytesSent?: number; fractionLost?: number }) => {
      if (stat.type === "outbound-rtp") bytes += stat.bytesSent ?? 0;
      if (stat.type === "remote-inbound-rtp" && typeof stat.fractionLost === "number") loss = Math.max(loss, stat.fractionLost);
    });
    const now = Date.now();
    const flowing = !this.sources.sending() || this.previousSent.at === 0 || bytes > this.previousSent.bytes;
    this.previousSent = { bytes, at: now };
    this.sources.report(null, classify(loss, rtt, flowing));
  }
}

/** Current RTT of the connection's selected candidate pair, in seconds, if known. */
function selectedPairRtt(report: RTCStatsReport): number | null {
  let pairId: string | undefined;
  report.forEach((stat: { type: string; selectedCandidatePairId?: string }) => {
    if (stat.type === "transport" && stat.selectedCandidatePairId) pairId = stat.selectedCandidatePairId;
  });
  let rtt: number | null = null;
  report.forEach((stat: { type: string; id: string; nominated?: boolean; state?: string; currentRoundTripTime?: number }) => {
    if (stat.type !== "candidate-pair" || typeof stat.currentRoundTripTime !== "number") return;
    if (pairId ? stat.id === pairId : stat.nominated && stat.state === "succeeded") rtt = stat.currentRoundTripTime;
  });
  return rtt;
}

/**
 * Calls `unreachable` when the connection has not reached ICE connected within
 * ICE_TIMEOUT_MS, and `reachable` whenever it connects (also after a warning).
 */
export function watchIce(pc: RTCPeerConnection, unreachable: () => void, reachable: () => void): () => void {
  const connected = () => pc.iceConnectionState === "connected" || pc.iceConnectionState === "completed";
  const timer = window.setTimeout(() => {
    if (!connected() && pc.signalingState !== "closed") unreachable();
  }, ICE_TIMEOUT_MS);
  const onChange = () => {
    if (connected()) reachable();
  };
  pc.addEventListener("iceconnectionstatechange", onChange);
  return () => {
    clearTimeout(timer);
    pc.removeEventListener("iceconnectionstatechange", onChange);
  };
}
