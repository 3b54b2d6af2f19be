/**
 * The SFU's public face: commands by ids and SDP strings in, plain events out through one
 * callback. No werift object crosses this boundary, so a room can later live on a worker
 * thread behind postMessage with the same shapes. Rooms' rules (who may join, who may mute)
 * are the caller's; this module only does what it is told and says what happened.
 */

import { newCounters } from "./forwarder.ts";
import { PortPool, socketsPerConnection } from "./ports.ts";
import { probeRecvBuffer, RECV_BUFFER_BYTES } from "./rtcconfig.ts";
import { Peer, Room, type RoomContext } from "./room.ts";
import {
  SfuError,
  type IceCandidateMessage,
  type PcRole,
  type SfuEvent,
  type SfuOptions,
  type SfuStats,
  type TrackSource,
} from "./types.ts";

export * from "./types.ts";

/** How often the speaker detector looks at levels, in ms. */
const TICK_MS = 300;
/** REMB every this many ticks (~1 s): often enough for Chrome's estimator to trust it. */
const REMB_EVERY_TICKS = 3;

const DEFAULT_MAX_ROOM_BITRATE = 10_000_000;
const DEFAULT_MAX_TRACK_BITRATE = 2_500_000;

/** The commands of an SFU instance; every method is safe to call with unknown ids. */
export interface Sfu {
  /** Creates the peer's connections in the room (creating the room); throws SfuError when out of ports. */
  addPeer(roomId: string, peerId: string): void;
  /** Applies the browser's offer on its publishing connection and returns our answer SDP. */
  publisherOffer(peerId: string, sdp: string, sources?: Readonly<Record<string, TrackSource>>): Promise<string>;
  /** Applies the browser's answer to our latest "subscriber-offer". */
  subscriberAnswer(peerId: string, sdp: string): Promise<void>;
  /** Asks for a fresh subscriber offer with ICE restarted (delivered as "subscriber-offer"). */
  restartSubscriberIce(peerId: string): void;
  /** Adds a browser ICE candidate (null: end of candidates); false if it was filtered out. */
  addIceCandidate(peerId: string, pc: PcRole, candidate: IceCandidateMessage | null): Promise<boolean>;
  /** Starts or stops forwarding a peer's tracks of one source (owner mute); returns tracks affected. */
  setForwarding(peerId: string, source: TrackSource, enabled: boolean): number;
  /** Closes the peer's connections; its tracks end for the others. */
  removePeer(peerId: string): Promise<void>;
  /** Removes every peer of the room. */
  closeRoom(roomId: string): Promise<void>;
  /** Counters for monitoring and benches. */
  stats(): SfuStats;
  /** Closes every room and stops the timers. */
  close(): Promise<void>;
}

/** Creates an SFU instance; nothing is bound until the first peer is added. */
export function createSfu(options: SfuOptions): Sfu {
  const logger = options.logger.child({ module: "sfu" });
  const additional = options.iceAdditionalHostAddresses ?? [];
  const socketsPerPc = socketsPerConnection(additional);
  const ports = new PortPool(options.portRange[0], options.portRange[1], socketsPerPc);
  const counters = newCounters();
  const maxRoomBitrate = options.maxRoomBitrate ?? DEFAULT_MAX_ROOM_BITRATE;
  const maxTrackBitrate = options.maxTrackBitrate ?? DEFAULT_MAX_TRACK_BITRATE;
  const rooms = new Map<string, Room>();
  const peers = new Map<string, Peer>();
  let rembSent = 0;
  let trackSeq = 0;
  let ticks = 0;
  let closed = false;

  const emit = (event: SfuEvent): void => {
    try {
      options.onEvent(event);
    } catch (error) {
      logger.error("sfu event handler threw", { event_type: event.type, error });
    }
  };

  const ctx: RoomContext = {
    logger,
    settings: {
      videoCodec: options.videoCodec ?? "VP8",
      iceServers: options.iceServers ?? [],
      iceAdditionalHostAddresses: additional,
      iceTcp: options.iceTcp ?? false,
      expectedHostCandidates: socketsPerPc,
    },
    policy: { announcedAddress: options.announcedAddress, keepAddresses: additional },
    counters,
    emit,
    newTrackId: () => `tr${(++trackSeq).toString(36)}`,
  };

  // Bursts overflow small receive buffers (trap 8); say so once if the kernel caps ours.
  void probeRecvBuffer().then((granted) => {
    if (granted < RECV_BUFFER_BYTES) {
      logger.warn("udp receive buffer capped by the kernel: raise net.core.rmem_max", {
        wanted_bytes: RECV_BUFFER_BYTES,
        granted_bytes: granted,
      });
    }
  });

  const timer = setInterval(() => {
    ticks++;
    for (const room of rooms.values()) {
      room.speaker.tick(room.tracks);
      if (ticks % REMB_EVERY_TICKS === 0) rembSent += room.sendRemb(maxRoomBitrate, maxTrackBitrate);
    }
  }, TICK_MS);
  timer.unref?.();

  const peerOf = (peerId: string): Peer => {
    const peer = peers.get(peerId);
    if (!peer) throw new SfuError("sfu.unknown_peer", `no peer ${peerId}`);
    return peer;
  };

  const releasePeer = (peer: Peer): void => {
    peers.delete(peer.id);
    ports.release(peer.blocks[0]);
    ports.release(peer.blocks[1]);
    if (peer.room.peers.size === 0) rooms.delete(peer.room.id);
  };

  const removePeer = async (peerId: string): Promise<void> => {
    const peer = peers.get(peerId);
    if (!peer) return;
    peers.delete(peerId);
    try {
      await peer.room.removePeer(peer);
    } finally {
      releasePeer(peer);
    }
  };

  const closeRoom = async (roomId: string): Promise<void> => {
    const room = rooms.get(roomId);
    if (!room) return;
    await Promise.all([...room.peers.keys()].map(removePeer));
    rooms.delete(roomId);
  };

  return {
    addPeer(roomId, peerId) {
      if (closed) throw new SfuError("sfu.closed", "the SFU is closed");
      if (peers.has(peerId)) throw new SfuError("sfu.peer_exists", `peer ${peerId} already exists`);
      const first = ports.lease();
      const second = first ? ports.lease() : null;
      if (!first || !second) {
        if (first) ports.release(first);
        const fields = {
          room_id: roomId,
          peer_id: peerId,
          port_range: `${options.portRange[0]}-${options.portRange[1]}`,
          connections_in_use: ports.inUse,
          connections_max: ports.capacity,
        };
        logger.error("rtc port range exhausted: widen --rtc-ports", fields);
        emit({
          type: "ports-exhausted",
          roomId,
          peerId,
          portRange: [options.portRange[0], options.portRange[1]],
          connectionsInUse: ports.inUse,
          connectionsMax: ports.capacity,
        });
        throw new SfuError("sfu.ports_exhausted", "the media port range is used up; no room for another participant");
      }
      let room = rooms.get(roomId);
      if (!room) {
        room = new Room(roomId, ctx);
        rooms.set(roomId, room);
      }
      const peer = new Peer(peerId, room, [first, second], ctx);
      peers.set(peerId, peer);
      room.addPeer(peer);
    },

    async publisherOffer(peerId, sdp, sources) {
      return peerOf(peerId).publisher.answer(sdp, sources);
    },

    async subscriberAnswer(peerId, sdp) {
      await peerOf(peerId).subscriber.answer(sdp);
    },

    restartSubscriberIce(peerId) {
      peerOf(peerId).subscriber.restartIce();
    },

    async addIceCandidate(peerId, pc, candidate) {
      const peer = peerOf(peerId);
      return pc === "publisher" ? peer.publisher.addIceCandidate(candidate) : peer.subscriber.addIceCandidate(candidate);
    },

    setForwarding(peerId, source, enabled) {
      const peer = peerOf(peerId);
      if (enabled) peer.disabledSources.delete(source);
      else peer.disabledSources.add(source);
      let affected = 0;
      for (const up of peer.publisher.tracks()) {
        if (up.source !== source) continue;
        up.setEnabled(enabled);
        affected++;
      }
      emit({ type: "forwarding-changed", roomId: peer.room.id, peerId, source, enabled });
      return affected;
    },

    removePeer,
    closeRoom,

    stats() {
      let publishedTracks = 0;
      let subscriptions = 0;
      for (const room of rooms.values()) publishedTracks += room.tracks.length;
      for (const peer of peers.values()) subscriptions += peer.subscriber.subscriptionCount;
      return {
        rooms: rooms.size,
        peers: peers.size,
        publishedTracks,
        subscriptions,
        ...counters,
        rembSent,
        portConnectionsInUse: ports.inUse,
        portConnectionsMax: ports.capacity,
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await Promise.all([...rooms.keys()].map(closeRoom));
    },
  };
}
