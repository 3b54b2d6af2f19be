/**
 * A room is the unit of forwarding: every track a peer publishes goes to every other peer
 * of the same room. It owns the peers' two connections, the active speaker detector and
 * the bitrate each publisher is asked for. It knows nothing of who may join or why.
 */

import type { Logger } from "../log/logger.ts";
import type { ForwardCounters, UpTrack } from "./forwarder.ts";
import type { PortBlock } from "./ports.ts";
import { PublisherConnection } from "./publisher.ts";
import type { RtcSettings } from "./rtcconfig.ts";
import type { CandidatePolicy } from "./sdp.ts";
import { SpeakerDetector } from "./speaker.ts";
import { SubscriberConnection } from "./subscriber.ts";
import type { SfuEvent, TrackSource } from "./types.ts";

/** What a room needs from the SFU around it. */
export interface RoomContext {
  logger: Logger;
  settings: Omit<RtcSettings, "portBlock" | "headerExtensions">;
  policy: CandidatePolicy;
  counters: ForwardCounters;
  emit(event: SfuEvent): void;
  newTrackId(): string;
}

/** One participant: a publishing and a subscribing connection, each with its own ports. */
export class Peer {
  readonly publisher: PublisherConnection;
  readonly subscriber: SubscriberConnection;
  /** Sources the owner muted: their tracks, present and future, are not forwarded. */
  readonly disabledSources = new Set<TrackSource>();

  /** Creates both connections on the two leased port blocks. */
  constructor(
    readonly id: string,
    readonly room: Room,
    readonly blocks: [PortBlock, PortBlock],
    ctx: RoomContext,
  ) {
    const roomId = room.id;
    const log = ctx.logger;
    const problem = (pc: string) => (code: string, message: string) => {
      log.error("sfu connection problem", { room_id: roomId, peer_id: id, pc, code, detail: message });
      ctx.emit({ type: "error", roomId, peerId: id, code, message });
    };
    this.publisher = new PublisherConnection(
      { ...ctx.settings, portBlock: blocks[0], headerExtensions: "publisher" },
      ctx.policy,
      ctx.counters,
      id,
      {
        newTrackId: ctx.newTrackId,
        trackAdded: (up) => room.trackAdded(this, up),
        trackEnded: (up) => room.trackEnded(this, up),
        stateChanged: (state) => {
          if (state === "failed") log.warn("publisher connection failed", { room_id: roomId, peer_id: id });
          ctx.emit({ type: "connection-state", roomId, peerId: id, pc: "publisher", state });
        },
        localCandidate: (candidate) => ctx.emit({ type: "ice-candidate", roomId, peerId: id, pc: "publisher", candidate }),
        isSourceDisabled: (source) => this.disabledSources.has(source),
        problem: problem("publisher"),
      },
    );
    this.subscriber = new SubscriberConnection(
      { ...ctx.settings, portBlock: blocks[1], headerExtensions: "subscriber" },
      ctx.policy,
      id,
      {
        offer: (sdp, tracks) => ctx.emit({ type: "subscriber-offer", roomId, peerId: id, sdp, tracks }),
        stateChanged: (state) => {
          if (state === "failed") log.warn("subscriber connection failed", { room_id: roomId, peer_id: id });
          ctx.emit({ type: "connection-state", roomId, peerId: id, pc: "subscriber", state });
        },
        localCandidate: (candidate) => ctx.emit({ type: "ice-candidate", roomId, peerId: id, pc: "subscriber", candidate }),
        problem: problem("subscriber"),
      },
    );
  }
}

/** Peers and tracks of one room, and the timers' per-room work. */
export class Room {
  readonly peers = new Map<string, Peer>();
  readonly tracks: UpTrack[] = [];
  readonly speaker: SpeakerDetector;

  /** Creates an empty room. */
  constructor(
    readonly id: string,
    private readonly ctx: RoomContext,
  ) {
    this.speaker = new SpeakerDetector((peerId) => ctx.emit({ type: "active-speaker", roomId: id, peerId }));
  }

  /** Adds a peer and subscribes it to every track already published here. */
  addPeer(peer: Peer): void {
    this.peers.set(peer.id, peer);
    for (const up of this.tracks) peer.subscriber.subscribe(up);
  }

  /** Closes a peer's connections; its tracks end for everyone else. */
  async removePeer(peer: Peer): Promise<void> {
    if (!this.peers.has(peer.id)) return;
    await peer.publisher.close();
    this.peers.delete(peer.id);
    await peer.subscriber.close();
    this.speaker.forget(peer.id);
  }

  /** A peer published a track: every other peer subscribes to it. */
  trackAdded(owner: Peer, up: UpTrack): void {
    this.tracks.push(up);
    this.ctx.emit({
      type: "track-published",
      roomId: this.id,
      peerId: owner.id,
      trackId: up.trackId,
      kind: up.kind,
      source: up.source,
      mid: up.mid,
    });
    for (const peer of this.peers.values()) {
      if (peer !== owner) peer.subscriber.subscribe(up);
    }
  }

  /** A peer's track ended: every subscriber drops it (and renegotiates). */
  trackEnded(owner: Peer, up: UpTrack): void {
    const index = this.tracks.indexOf(up);
    if (index >= 0) this.tracks.splice(index, 1);
    for (const peer of this.peers.values()) {
      if (peer !== owner) peer.subscriber.unsubscribe(up);
    }
    this.ctx.emit({ type: "track-ended", roomId: this.id, peerId: owner.id, trackId: up.trackId, kind: up.kind, source: up.source });
  }

  /** Sends each video publisher its share of the room's bitrate; returns REMBs sent. */
  sendRemb(maxRoomBitrate: number, maxTrackBitrate: number): number {
    let videos = 0;
    for (const up of this.tracks) if (up.kind === "video" && up.enabled) videos++;
    if (videos === 0) return 0;
    const perTrack = Math.min(maxTrackBitrate, Math.floor(maxRoomBitrate / videos));
    let sent = 0;
    for (const peer of this.peers.values()) {
      if (peer.publisher.sendRemb(perTrack)) sent++;
    }
    return sent;
  }
}
