/**
 * How the SFU builds and guards werift peer connections: codecs, header extensions, ICE
 * settings, the STUN fallback werift sneaks in, and socket buffers. Both the server and the
 * test peers use these helpers, so "no public STUN" is enforced and tested in one place.
 */

import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useAudioLevelIndication,
  useFIR,
  useNACK,
  usePLI,
  useREMB,
  useSdesMid,
  type PeerConfig,
  type RTCDtlsTransport,
} from "werift";
import { createSocket } from "node:dgram";
import type { IceServerConfig, VideoCodecName } from "./types.ts";

/** UDP receive buffer per socket: the ~208 KiB default overflowed under bursts (trap 8). */
export const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** Opus as browsers offer it; payload type 111 matches Chrome so answers need no remap. */
export function opusCodec(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: "audio/opus",
    clockRate: 48000,
    channels: 2,
    payloadType: 111,
    parameters: "minptime=10;useinbandfec=1",
    rtcpFeedback: [],
  });
}

/** The one video codec of the SFU, with the feedback an SFU needs (NACK, PLI, FIR, REMB). */
export function videoCodec(name: VideoCodecName): RTCRtpCodecParameters {
  const rtcpFeedback = [useNACK(), usePLI(), useFIR(), useREMB()];
  if (name === "H264") {
    return new RTCRtpCodecParameters({
      mimeType: "video/H264",
      clockRate: 90000,
      payloadType: 102,
      parameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
      rtcpFeedback,
    });
  }
  return new RTCRtpCodecParameters({ mimeType: "video/VP8", clockRate: 90000, payloadType: 96, rtcpFeedback });
}

/** What one peer connection of ours needs to know to be configured. */
export interface RtcSettings {
  videoCodec: VideoCodecName;
  iceServers: IceServerConfig[];
  iceAdditionalHostAddresses: string[];
  iceTcp: boolean;
  /** Ports this connection may bind: a leased block, never the whole range. */
  portBlock?: [number, number];
  /** UDP host candidates a complete gathering yields; fewer is reported as an error. */
  expectedHostCandidates?: number;
  /**
   * Header extensions to negotiate. The publisher side wants the audio level (active speaker)
   * and mid; transport-cc is left out on purpose (trap 4: werift's TWCC throttles Chrome).
   * The subscriber side negotiates none, because we clear extensions before sending.
   */
  headerExtensions: "publisher" | "subscriber" | "none";
}

/** Builds a werift configuration with no default that could reach a public server. */
export function buildPeerConfig(settings: RtcSettings): Partial<PeerConfig> {
  const audioExt = settings.headerExtensions === "publisher" ? [useSdesMid(), useAudioLevelIndication()] : [];
  const videoExt = settings.headerExtensions === "publisher" ? [useSdesMid()] : [];
  return {
    codecs: { audio: [opusCodec()], video: [videoCodec(settings.videoCodec)] },
    headerExtensions: { audio: audioExt, video: videoExt },
    // Explicit list (possibly empty): werift's default is Google's STUN server (trap 1).
    iceServers: settings.iceServers.map((server) => ({ ...server })),
    iceAdditionalHostAddresses: [...settings.iceAdditionalHostAddresses],
    iceUseIpv6: false,
    iceUseTcp: settings.iceTcp,
    icePortRange: settings.portBlock ? [settings.portBlock[0], settings.portBlock[1]] : undefined,
    // One transport per connection: one socket per host address, which ports.ts counts on.
    bundlePolicy: "max-bundle",
  };
}

/** Creates a peer connection from settings and closes werift's STUN fallback right away. */
export function createPeerConnection(settings: RtcSettings): RTCPeerConnection {
  const pc = new RTCPeerConnection(buildPeerConfig(settings));
  forbidDefaultStun(pc);
  return pc;
}

/** True when the settings name a STUN server of the operator's own. */
function hasOwnStun(pc: RTCPeerConnection): boolean {
  return pc.config.iceServers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^stuns?:/i.test(url)),
  );
}

/**
 * werift's ICE Connection falls back to stun.l.google.com:19302 whenever no STUN server is
 * configured, even with `iceServers: []` (trap 1). Clear that fallback on every transport
 * that exists; call before each setLocalDescription, which is when gathering starts.
 */
export function forbidDefaultStun(pc: RTCPeerConnection): void {
  if (hasOwnStun(pc)) return;
  for (const transport of pc.iceTransports) {
    const connection = transport.connection as unknown as { stunServer?: unknown };
    connection.stunServer = undefined;
  }
}

/** The STUN servers werift would query for this connection's transports (for tests). */
export function effectiveStunServers(pc: RTCPeerConnection): unknown[] {
  return pc.iceTransports
    .map((transport) => (transport.connection as unknown as { stunServer?: unknown }).stunServer)
    .filter((server) => server !== undefined);
}

/** The part of a node:dgram socket we touch. */
interface UdpSocket {
  setRecvBufferSize?: (bytes: number) => void;
  on?: (event: "error", listener: (error: Error) => void) => void;
}

/** Every UDP socket the connection's ICE transports have bound. */
function udpSockets(pc: RTCPeerConnection): UdpSocket[] {
  const sockets: UdpSocket[] = [];
  for (const transport of pc.iceTransports) {
    const protocols = (transport.connection as unknown as { protocols?: unknown[] }).protocols ?? [];
    for (const protocol of protocols) {
      const socket = (protocol as { transport?: { socket?: UdpSocket } }).transport?.socket;
      if (socket) sockets.push(socket);
    }
  }
  return sockets;
}

/** Raises the receive buffer of every UDP socket the connection has bound (trap 8). */
export function enlargeRecvBuffers(pc: RTCPeerConnection, bytes = RECV_BUFFER_BYTES): number {
  let done = 0;
  for (const socket of udpSockets(pc)) {
    if (!socket.setRecvBufferSize) continue;
    try {
      socket.setRecvBufferSize(bytes);
      done++;
    } catch {
      // Not every platform lets us raise it (e.g. a low rmem_max); the default still works.
    }
  }
  return done;
}

const guardedSockets = new WeakSet<UdpSocket>();

/**
 * Gives every UDP socket of the connection an error listener. werift adds none, and an
 * "error" event without a listener is thrown: an ECONNREFUSED from the ICMP "port
 * unreachable" that follows a closed browser tab ended the whole server process. Such
 * errors say nothing ICE consent checks do not already notice, so they are dropped.
 */
export function guardSocketErrors(pc: RTCPeerConnection): void {
  for (const socket of udpSockets(pc)) {
    if (guardedSockets.has(socket) || !socket.on) continue;
    guardedSockets.add(socket);
    socket.on("error", () => {});
  }
}

/** DTLS records start with a content type of 20 to 63 (RFC 7983 demultiplexing). */
function isDtlsRecord(data: Buffer): boolean {
  const first = data[0] ?? 0;
  return first >= 20 && first <= 63;
}

/**
 * Holds the DTLS records that reach a transport before werift has started its DTLS side,
 * and hands them over once it has. werift starts DTLS only when its own ICE check has
 * completed, while a browser that is the DTLS client (on the connections we offer) sends its
 * ClientHello as soon as its side of ICE works: that first ClientHello was dropped and the
 * handshake waited for the browser's retransmission, 16-91 ms per join (bench/join.ts).
 */
export function keepEarlyDtls(transport: RTCDtlsTransport): void {
  if (transport.state !== "new") return;
  const connection = transport.iceTransport.connection;
  // The ClientHello and its retransmissions: replayed alone, one copy went unanswered in our
  // runs (werift logged an empty first handshake), while the held copies together were
  // answered at once.
  let held: Buffer[] | null = [];
  const listening = connection.onData.subscribe((data: Buffer) => {
    if (held && held.length < 4 && transport.state === "new" && isDtlsRecord(data)) held.push(data);
  });
  const watching = transport.onStateChange.subscribe((state) => {
    if (state === "new" || !held) return;
    const records = held;
    held = null;
    listening.unSubscribe();
    watching.unSubscribe();
    // The DTLS endpoint subscribes right after "connecting" is announced, in the same turn.
    if (state === "connecting") queueMicrotask(() => records.forEach((data) => connection.onData.execute(data)));
  });
}

/**
 * Asks the kernel for the receive buffer we want on a throwaway socket and returns what it
 * granted (Linux reports double the usable size, and caps at net.core.rmem_max).
 */
export function probeRecvBuffer(bytes = RECV_BUFFER_BYTES): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(0));
    socket.bind(0, "127.0.0.1", () => {
      let granted = 0;
      try {
        socket.setRecvBufferSize(bytes);
        granted = socket.getRecvBufferSize();
      } catch {
        granted = 0;
      }
      socket.close();
      resolve(granted);
    });
  });
}

/**
 * Number of UDP host candidates werift gathered for this connection. Fewer than the
 * addresses it gathers on means a port could not be bound and werift dropped the
 * candidate without a word (trap 9); the caller turns that into a loud error.
 */
export function udpHostCandidateCount(pc: RTCPeerConnection): number {
  let count = 0;
  for (const transport of pc.iceTransports) {
    const connection = transport.connection as unknown as { localCandidates?: { type: string; transport: string }[] };
    for (const candidate of connection.localCandidates ?? []) {
      if (candidate.type === "host" && candidate.transport.toLowerCase() === "udp") count++;
    }
  }
  return count;
}
