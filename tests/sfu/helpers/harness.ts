/**
 * An SFU wired to synthetic werift peers in-process, standing in for the signaling layer:
 * it answers subscriber offers, records every event, and closes everything at the end.
 * Waits poll a condition with a generous deadline; nothing here measures speed.
 */

import { silentLogger } from "../../../src/log/logger.ts";
import { createSfu, type Sfu, type SfuEvent, type SfuOptions, type VideoCodecName } from "../../../src/sfu/index.ts";
import { LOOPBACK, SyntheticPublisher, SyntheticSubscriber, type SyntheticTrack } from "./peers.ts";

/** Polls `condition` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await Bun.sleep(20);
  }
}

/** Lets time pass (for "nothing more arrives" checks, never for speed). */
export function settle(ms: number): Promise<void> {
  return Bun.sleep(ms);
}

let nextPortBase = 41000 + Math.floor(Math.random() * 200) * 50;

/** A port range no other harness in this process uses. */
export function freshPortRange(size = 60): [number, number] {
  const start = nextPortBase;
  nextPortBase += size;
  if (nextPortBase > 60000) nextPortBase = 41000;
  return [start, start + size - 1];
}

/** One SFU and the synthetic peers joined to it. */
export class SfuHarness {
  readonly sfu: Sfu;
  readonly events: SfuEvent[] = [];
  readonly subscribers = new Map<string, SyntheticSubscriber>();
  readonly publishers = new Map<string, SyntheticPublisher>();
  readonly errors: unknown[] = [];
  private readonly videoCodec: VideoCodecName;
  readonly portRange: [number, number];

  /** Creates the SFU on 127.0.0.1 with a fresh port range unless told otherwise. */
  constructor(options: Partial<Omit<SfuOptions, "onEvent">> = {}) {
    this.videoCodec = options.videoCodec ?? "VP8";
    this.portRange = options.portRange ?? freshPortRange();
    this.sfu = createSfu({
      logger: silentLogger,
      portRange: this.portRange,
      iceAdditionalHostAddresses: LOOPBACK,
      ...options,
      onEvent: (event) => this.onEvent(event),
    });
  }

  private onEvent(event: SfuEvent): void {
    this.events.push(event);
    if (event.type !== "subscriber-offer") return;
    const subscriber = this.subscribers.get(event.peerId);
    if (!subscriber) return;
    subscriber
      .answer(event.sdp)
      .then((answer) => this.sfu.subscriberAnswer(event.peerId, answer))
      .catch((error) => this.errors.push(error));
  }

  /** Events of one type, typed. */
  eventsOf<T extends SfuEvent["type"]>(type: T): Extract<SfuEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<SfuEvent, { type: T }> => e.type === type);
  }

  /** Adds a peer that only receives. */
  addSubscriber(roomId: string, peerId: string): SyntheticSubscriber {
    const subscriber = new SyntheticSubscriber(this.videoCodec);
    this.subscribers.set(peerId, subscriber);
    this.sfu.addPeer(roomId, peerId);
    return subscriber;
  }

  /** Adds a peer that publishes `tracks` (and receives, like any participant). */
  async addPublisher(roomId: string, peerId: string, tracks: SyntheticTrack[]): Promise<SyntheticPublisher> {
    const subscriber = new SyntheticSubscriber(this.videoCodec);
    this.subscribers.set(peerId, subscriber);
    this.sfu.addPeer(roomId, peerId);
    const publisher = new SyntheticPublisher(tracks, this.videoCodec);
    this.publishers.set(peerId, publisher);
    const { sdp, sources } = await publisher.offer();
    const answer = await this.sfu.publisherOffer(peerId, sdp, sources);
    await publisher.accept(answer);
    return publisher;
  }

  /** The latest offer's track list for a subscriber: mid of a publisher's source. */
  midOf(subscriberPeerId: string, publisherPeerId: string, source: string): string | null {
    const offers = this.eventsOf("subscriber-offer").filter((e) => e.peerId === subscriberPeerId);
    const last = offers[offers.length - 1];
    const track = last?.tracks.find((t) => t.publisherPeerId === publisherPeerId && t.source === source);
    return track?.mid ?? null;
  }

  /** Removes a peer from the SFU and closes its synthetic connections. */
  async removePeer(peerId: string): Promise<void> {
    await this.sfu.removePeer(peerId);
    await this.publishers.get(peerId)?.close();
    await this.subscribers.get(peerId)?.close();
    this.publishers.delete(peerId);
    this.subscribers.delete(peerId);
  }

  /** Closes the SFU and every synthetic peer. */
  async close(): Promise<void> {
    for (const publisher of this.publishers.values()) publisher.stop();
    await this.sfu.close();
    await Promise.all([...this.publishers.values()].map((p) => p.close()));
    await Promise.all([...this.subscribers.values()].map((s) => s.close()));
  }
}
