/**
 * The SFU's public vocabulary: options, commands' shapes and events. Everything here is a
 * plain, serialisable value (strings, numbers, arrays) so that the SFU can later run a room
 * on a worker thread and talk to the signaling layer through postMessage unchanged.
 */

import type { Logger } from "../log/logger.ts";

/** Media kind of a track, as in SDP m-lines. */
export type TrackKind = "audio" | "video";

/** What a published track carries; the client names it per m-line (mid) when it offers. */
export type TrackSource = "camera" | "microphone" | "screen" | "screen-audio";

/** Which of a participant's two peer connections something concerns. */
export type PcRole = "publisher" | "subscriber";

/** The video codec a whole SFU instance negotiates: one codec keeps payload types fixed. */
export type VideoCodecName = "VP8" | "H264";

/** An ICE candidate as the browser's RTCIceCandidateInit has it. */
export interface IceCandidateMessage {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** An ICE server handed to werift; only what the operator configured, never a default. */
export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Options of createSfu. */
export interface SfuOptions {
  logger: Logger;
  /** UDP (and ICE-TCP) ports the SFU may bind, inclusive. */
  portRange: [number, number];
  /** Address written into our candidates instead of the interface address (1:1 NAT). */
  announcedAddress?: string;
  /** Extra host addresses to gather on (e.g. "127.0.0.1" for tests and local use). */
  iceAdditionalHostAddresses?: string[];
  /** Also offer passive ICE-TCP candidates on the same ports. */
  iceTcp?: boolean;
  /** STUN/TURN servers for the server side; empty by default and never a public default. */
  iceServers?: IceServerConfig[];
  /** Total video bitrate a room may ask its publishers for, in bit/s (REMB cap). */
  maxRoomBitrate?: number;
  /** Upper bound for one video track, in bit/s. */
  maxTrackBitrate?: number;
  /** The single video codec of this SFU instance; VP8 unless told otherwise. */
  videoCodec?: VideoCodecName;
  /** Receives every event; must not throw (errors are logged and swallowed). */
  onEvent: (event: SfuEvent) => void;
}

/** A track as one subscriber sees it in its own peer connection. */
export interface SubscribedTrack {
  mid: string;
  trackId: string;
  publisherPeerId: string;
  kind: TrackKind;
  source: TrackSource;
}

/** Connection states reported for each peer connection. */
export type ConnectionState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";

/** Every event the SFU emits, through the single onEvent callback. */
export type SfuEvent =
  | {
      type: "track-published";
      roomId: string;
      peerId: string;
      trackId: string;
      kind: TrackKind;
      source: TrackSource;
      mid: string;
    }
  | {
      type: "track-ended";
      roomId: string;
      peerId: string;
      trackId: string;
      kind: TrackKind;
      source: TrackSource;
    }
  | {
      /** The subscriber connection must be renegotiated: send this offer, expect an answer. */
      type: "subscriber-offer";
      roomId: string;
      peerId: string;
      sdp: string;
      tracks: SubscribedTrack[];
    }
  | { type: "ice-candidate"; roomId: string; peerId: string; pc: PcRole; candidate: IceCandidateMessage }
  | { type: "connection-state"; roomId: string; peerId: string; pc: PcRole; state: ConnectionState }
  | { type: "active-speaker"; roomId: string; peerId: string | null }
  | {
      type: "forwarding-changed";
      roomId: string;
      peerId: string;
      source: TrackSource;
      enabled: boolean;
    }
  | {
      /** No ports left for a new peer: the operator must widen the range. */
      type: "ports-exhausted";
      roomId: string;
      peerId: string;
      portRange: [number, number];
      connectionsInUse: number;
      connectionsMax: number;
    }
  | { type: "error"; roomId: string; peerId: string; code: string; message: string };

/** Counters for monitoring and benches; cheap to compute. */
export interface SfuStats {
  rooms: number;
  peers: number;
  publishedTracks: number;
  subscriptions: number;
  forwardedPackets: number;
  forwardedBytes: number;
  retransmittedPackets: number;
  nacksReceived: number;
  keyframeRequestsSent: number;
  rembSent: number;
  portConnectionsInUse: number;
  portConnectionsMax: number;
}

/** A failure with a stable code the signaling layer can map to a message for the user. */
export class SfuError extends Error {
  /** Creates an error with a stable code such as "sfu.ports_exhausted". */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SfuError";
  }
}

/** A short, single-line description of a thrown value, for error messages (never SDP). */
export function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 200);
}
