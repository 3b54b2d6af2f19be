/**
 * The SFU bench's load generator, run as its own process (bench/sfu.ts starts it and talks to
 * it over IPC). It logs in, makes rooms, and joins synthetic werift publishers and
 * subscribers through the real signaling WebSocket, exactly as browsers do.
 *
 * It must stay cheap, or it and not the server would be measured: publishers hand RTP to
 * the DTLS transport with one reused header; subscribers count SRTP packets at their UDP
 * socket (sequence number and SSRC are in the clear) without decrypting them through
 * werift, and authenticate one packet in SAMPLE_EVERY so we know the bytes are real SRTP.
 * STUN, DTLS and RTCP still go through werift, so ICE consent and feedback keep working.
 */

import { join } from "node:path";
import { RtpHeader, type RTCDtlsTransport, type RTCPeerConnection } from "werift";
import { createPeerConnection, enlargeRecvBuffers, forbidDefaultStun } from "../src/sfu/rtcconfig.ts";
import type { ServerMessage } from "../src/signal/protocol.ts";
import { TestClient } from "../tests/helpers/server.ts";
import { SignalClient } from "../tests/helpers/signal-client.ts";
import { testPeerSettings } from "../tests/sfu/helpers/peers.ts";

/** 30 frames per second, ~200 packets per second: 1.5 Mbit/s of 937-byte VP8 packets. */
const FRAME_MS = 1000 / 30;
const PACKETS_PER_SECOND = 200;
const PAYLOAD_BYTES = 937;
/** A keyframe every 3 s, as a browser's encoder does without loss. */
const KEYFRAME_EVERY_FRAMES = 90;
/** One received packet in this many is authenticated and decrypted with the SRTP keys. */
const SAMPLE_EVERY = 256;
/** Subscribers that join at the same time. */
const JOIN_BATCH = 3;
/** How long the load's own ICE consent checks wait for an answer (see patientConsent). */
const CONSENT_WAIT_MS = 5000;

/** Commands from bench/sfu.ts. */
export type LoadCommand =
  | {
      id: number;
      cmd: "setup";
      base: string;
      rooms: number;
      publishersPerRoom: number;
      portRange: [number, number];
      /** The server's checkout and data dir, for `youmeet admin` (the owner needs a plan for 25-person calls). */
      root: string;
      dataDir: string;
    }
  | { id: number; cmd: "grow"; subscribers: number }
  | { id: number; cmd: "snapshot" }
  | { id: number; cmd: "stop" };

/** Counters at one instant; the bench subtracts two of them. */
export interface LoadSnapshot {
  at: number;
  /** Packets the publishers sent, times the subscribers of their room now: what should arrive (use deltas). */
  expected: number;
  received: number;
  /** Per stream (subscriber x publisher, in a stable order): received packets and highest sequence number. */
  streamReceived: number[];
  streamHighest: number[];
  sampled: number;
  sampleFailures: number;
  subscribers: number;
  streams: number;
  lagMs: number;
}

interface Room {
  id: string;
  publishers: Publisher[];
  subscribers: Subscriber[];
}

/** A publisher's one video track: a reused header and payload, sent frame by frame. */
interface Publisher {
  pc: RTCPeerConnection;
  socket: SignalClient;
  transport: RTCDtlsTransport | null;
  header: RtpHeader;
  payloads: [Buffer, Buffer];
  frames: number;
  sent: number;
}

/**
 * A subscriber's streams, by SSRC (a linear scan: a handful each): packets received and the
 * highest sequence number seen, extended over wraps. The server numbers each stream without
 * gaps, so sequence numbers tell exactly what it sent, whatever the timing of our counting.
 */
interface Subscriber {
  pc: RTCPeerConnection;
  socket: SignalClient;
  ssrcs: number[];
  counts: number[];
  highest: number[];
  streamsWanted: number;
}

const rooms: Room[] = [];
let base = "";
let portRange: [number, number] = [50000, 51999];
let received = 0;
let sampled = 0;
let sampleFailures = 0;
let startedAt = 0;
let lagMs = 0;

/** Ports per load connection (one socket per host address): its own block, as the server's ports.ts does. */
const PORTS_PER_CONNECTION = 4;
let nextPort = 0;

/** Each connection binds in a block of its own: werift's port scan races when connections share a range. */
function portBlock(): [number, number] {
  if (nextPort === 0) nextPort = portRange[0];
  const start = nextPort;
  nextPort += PORTS_PER_CONNECTION;
  if (nextPort - 1 > portRange[1]) throw new Error(`the load port range ${portRange.join("-")} is used up`);
  return [start, start + PORTS_PER_CONNECTION - 1];
}

let guestsMade = 0;

/**
 * A guest pass of its own for each peer (one person is in a call once). The server runs with
 * --trust-proxy and each peer comes "through the proxy" from its own address, as real guests
 * would, so the per-address limit on guest passes counts each of them separately.
 */
async function guestPass(roomId: string): Promise<string> {
  const n = guestsMade++;
  const visitor = new TestClient((request) => fetch(request, { redirect: "manual" }), base);
  await visitor.get(`/r/${roomId}`);
  const forwarded = { "x-forwarded-for": `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}` };
  const pass = await visitor.send("POST", `/r/${roomId}/guest`, { json: { name: `Bench peer ${n}` }, headers: { "x-csrf-token": visitor.csrfToken, ...forwarded } });
  if (pass.status !== 200) throw new Error(`guest pass answered ${pass.status}: ${pass.text}`);
  return pass.json().token as string;
}

/** Opens a room socket with a fresh guest pass and joins with these marks. */
async function joinRoom(room: Room, video: boolean): Promise<SignalClient> {
  const ws = base.replace("http:", "ws:");
  const token = await guestPass(room.id);
  const socket = await SignalClient.connect(`${ws}/r/${room.id}/ws?guest=${encodeURIComponent(token)}`, { origin: base });
  // The shared machine can be slow to answer; a browser would wait as well.
  socket.send({ type: "join", v: 1, media: { audio: false, video, screen: false } });
  const welcome = await socket.next("welcome", 60_000);
  peerIds.set(socket, welcome.you.peerId);
  return socket;
}

const peerIds = new Map<SignalClient, string>();

/** Applies the server's trickled candidates for one of the two connections. */
function trickle(socket: SignalClient, pc: RTCPeerConnection, role: "publisher" | "subscriber"): void {
  socket.socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as ServerMessage;
    if (message.type === "ice" && message.pc === role && message.candidate) {
      void pc.addIceCandidate(message.candidate).catch(() => {});
    }
  });
}

async function addPublisher(room: Room): Promise<void> {
  const socket = await joinRoom(room, true);
  const pc = createPeerConnection({ ...testPeerSettings("publisher"), portBlock: portBlock() });
  const transceiver = pc.addTransceiver("video", { direction: "sendonly" });
  trickle(socket, pc, "publisher");
  forbidDefaultStun(pc);
  await pc.setLocalDescription(await pc.createOffer());
  socket.send({ type: "publish-offer", sdp: pc.localDescription!.sdp, sources: { [transceiver.mid!]: "camera" } });
  const answer = await socket.next("publish-answer", 30_000);
  await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  const key = Buffer.alloc(PAYLOAD_BYTES, 0xab);
  const delta = Buffer.alloc(PAYLOAD_BYTES, 0xab);
  // VP8 payload descriptor (S=1, partition 0) and the frame tag's P bit: 0 keyframe, 1 delta.
  key[0] = delta[0] = 0x10;
  key[1] = 0x00;
  delta[1] = 0x01;
  const publisher: Publisher = {
    pc,
    socket,
    transport: null,
    header: new RtpHeader({ payloadType: 96, ssrc: transceiver.sender.ssrc, sequenceNumber: 1000, timestamp: 0 }),
    payloads: [key, delta],
    frames: Math.floor((performance.now() - startedAt) / FRAME_MS),
    sent: 0,
  };
  pc.connectionStateChange.subscribe((state) => {
    if (state === "connected" && publisher.transport === null) {
      publisher.transport = pc.dtlsTransports[0] ?? null;
      patientConsent(pc);
    }
    if (process.env.BENCH_TRACE) console.error(`${new Date().toISOString()} publisher ${peerIds.get(socket)} ${state}`);
    if (state === "failed" || state === "disconnected") console.error(`${new Date().toISOString()} bench publisher ${peerIds.get(socket)} connection ${state}`);
  });
  room.publishers.push(publisher);
}

/** Sends the frames that are due: 6 or 7 packets each, so that 30 fps make 200 packets/s. */
function sendDue(now: number): void {
  const due = Math.floor((now - startedAt) / FRAME_MS);
  for (const room of rooms) {
    for (const p of room.publishers) {
      const transport = p.transport;
      if (transport === null) {
        p.frames = due;
        continue;
      }
      while (p.frames < due) {
        p.frames++;
        const packets = Math.floor((p.frames * PACKETS_PER_SECOND) / 30) - Math.floor(((p.frames - 1) * PACKETS_PER_SECOND) / 30);
        const header = p.header;
        header.timestamp = (p.frames * 3000) >>> 0;
        for (let i = 0; i < packets; i++) {
          header.sequenceNumber = (header.sequenceNumber + 1) & 0xffff;
          header.marker = i === packets - 1;
          const payload = p.payloads[i === 0 && p.frames % KEYFRAME_EVERY_FRAMES === 0 ? 0 : 1];
          void transport.sendRtp(payload, header);
          p.sent++;
        }
      }
    }
  }
}

/**
 * werift gives up on an ICE consent check after 500 ms (2 RTT + 200 ms on loopback), and drops
 * the connection after 30 s of failed checks. A load generator that falls a second behind
 * (it is one of many processes on a shared machine) would then fail every connection at once,
 * and the bench would measure that instead of the server. Its own checks wait 5 s for an
 * answer; the server's checks keep werift's timing, so a lagging server still shows.
 */
function patientConsent(pc: RTCPeerConnection): void {
  type Request = (request: unknown, addr: unknown, key?: unknown, options?: unknown, ...rest: unknown[]) => Promise<unknown>;
  const connection = pc.iceTransports[0]!.connection as unknown as { protocols: { request: Request }[] };
  for (const protocol of connection.protocols) {
    const request = protocol.request.bind(protocol);
    protocol.request = (message, addr, key, options, ...rest) => {
      const patient = typeof options === "object" && options !== null ? { ...options, responseTimeout: CONSENT_WAIT_MS } : options;
      return request(message, addr, key, patient, ...rest);
    };
  }
}

/** Counts SRTP at the socket: RTP is 0b10 in the top bits and not an RTCP type (200-206). */
function countAtSocket(subscriber: Subscriber): void {
  const transport = subscriber.pc.dtlsTransports[0]!;
  const connection = subscriber.pc.iceTransports[0]!.connection as unknown as {
    protocols: { transport?: { onData: (data: Buffer, addr: unknown) => void } }[];
  };
  for (const protocol of connection.protocols) {
    const udp = protocol.transport;
    if (!udp) continue;
    const next = udp.onData;
    udp.onData = (data, addr) => {
      const b1 = data[1]!;
      if ((data[0]! & 0xc0) !== 0x80 || (b1 >= 192 && b1 <= 223)) {
        next(data, addr);
        return;
      }
      received++;
      const ssrc = data.readUInt32BE(8);
      const ssrcs = subscriber.ssrcs;
      let i = 0;
      while (i < ssrcs.length && ssrcs[i] !== ssrc) i++;
      const seq = (data[2]! << 8) | data[3]!;
      if (i === ssrcs.length) {
        ssrcs.push(ssrc);
        subscriber.counts.push(0);
        subscriber.highest.push(seq - 1);
      }
      subscriber.counts[i]!++;
      const highest = subscriber.highest[i]!;
      const ahead = (seq - highest) & 0xffff;
      if (ahead > 0 && ahead < 0x8000) subscriber.highest[i] = highest + ahead;
      if (received % SAMPLE_EVERY === 0) {
        sampled++;
        try {
          transport.srtp.decrypt(data);
        } catch {
          sampleFailures++;
        }
      }
    };
  }
}

async function addSubscriber(room: Room): Promise<void> {
  const socket = await joinRoom(room, false);
  const pc = createPeerConnection({ ...testPeerSettings("subscriber"), portBlock: portBlock() });
  const subscriber: Subscriber = { pc, socket, ssrcs: [], counts: [], highest: [], streamsWanted: room.publishers.length };
  trickle(socket, pc, "subscriber");
  let counting = false;
  pc.connectionStateChange.subscribe((state) => {
    if (process.env.BENCH_TRACE) console.error(`${new Date().toISOString()} subscriber ${peerIds.get(socket)} ${state}`);
    if (state === "connected" && !counting) {
      counting = true;
      // A starved load process must not drop what the server sent (trap 8 applies here too).
      enlargeRecvBuffers(pc);
      patientConsent(pc);
      countAtSocket(subscriber);
    }
    if (state === "failed" || state === "disconnected") console.error(`${new Date().toISOString()} bench subscriber ${peerIds.get(socket)} connection ${state}`);
  });
  // Every subscribe-offer (there is one per change of tracks) gets an answer.
  void (async () => {
    for (;;) {
      const offer = await socket.next("subscribe-offer", 3_600_000).catch(() => null);
      if (!offer) return;
      await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
      forbidDefaultStun(pc);
      await pc.setLocalDescription(await pc.createAnswer());
      socket.send({ type: "subscribe-answer", sdp: pc.localDescription!.sdp });
    }
  })();
  room.subscribers.push(subscriber);
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

async function setup(command: Extract<LoadCommand, { cmd: "setup" }>): Promise<void> {
  base = command.base;
  portRange = command.portRange;
  startedAt = performance.now();
  const owner = new TestClient((request) => fetch(request, { redirect: "manual" }), base);
  await owner.devLogin("Bench owner");
  const youmeetId = (await owner.get("/api/v1/me")).json().youmeetId as string;
  const setPlan = Bun.spawnSync([process.execPath, join(command.root, "src/main.ts"), "admin", "users", "set-plan", youmeetId, "pro", "--data-dir", command.dataDir]);
  if (setPlan.exitCode !== 0) throw new Error(`youmeet admin users set-plan failed: ${setPlan.stderr.toString()}`);
  for (let r = 0; r < command.rooms; r++) {
    const made = await owner.send("POST", "/api/v1/rooms", { json: { name: `Bench ${r + 1}` }, headers: { "x-csrf-token": owner.csrfToken } });
    if (made.status !== 201) throw new Error(`room creation answered ${made.status}: ${made.text}`);
    rooms.push({ id: made.json().id as string, publishers: [], subscribers: [] });
  }
  for (const room of rooms) for (let i = 0; i < command.publishersPerRoom; i++) await addPublisher(room);
  await waitUntil(() => rooms.every((room) => room.publishers.every((p) => p.transport !== null)), "publishers connected");
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 5);
    last = now;
    sendDue(now);
  }, 5);
  // The server closes a socket that is silent for 45 s; the page pings every 15 s.
  setInterval(() => {
    for (const room of rooms) for (const peer of [...room.publishers, ...room.subscribers]) peer.socket.send({ type: "ping" });
  }, 15_000);
}

/** Adds subscribers round-robin over the rooms until there are `total`; waits for their media. */
async function grow(total: number): Promise<void> {
  const all = () => rooms.flatMap((room) => room.subscribers);
  // A few at a time: werift's DTLS handshakes are JavaScript and stall this process while they
  // run, and a stalled load generator answers the server's ICE checks too late.
  for (let n = all().length; n < total; ) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < JOIN_BATCH && n < total; i++, n++) batch.push(addSubscriber(rooms[n % rooms.length]!));
    await Promise.all(batch);
    await waitUntil(() => all().every((s) => s.pc.connectionState === "connected"), "new subscribers connected", 60_000);
  }
  const receiving = (s: Subscriber) => s.ssrcs.length >= s.streamsWanted && s.counts.every((c) => c > 20);
  await waitUntil(() => all().every(receiving), "every subscriber receiving every stream", 120_000).catch((error) => {
    const short = all().filter((s) => !receiving(s));
    const states = short.map((s) => `${s.pc.connectionState}/${s.ssrcs.length} streams`);
    throw new Error(`${error.message}: ${short.length} of ${all().length} short (${[...new Set(states)].join(", ")})`);
  });
}

function snapshot(): LoadSnapshot {
  let expected = 0;
  let streams = 0;
  let subscribers = 0;
  for (const room of rooms) {
    subscribers += room.subscribers.length;
    streams += room.subscribers.length * room.publishers.length;
    for (const p of room.publishers) expected += p.sent * room.subscribers.length;
  }
  const streamReceived: number[] = [];
  const streamHighest: number[] = [];
  for (const room of rooms) {
    for (const sub of room.subscribers) {
      for (let i = 0; i < room.publishers.length; i++) {
        streamReceived.push(sub.counts[i] ?? 0);
        streamHighest.push(sub.highest[i] ?? 0);
      }
    }
  }
  const snap = { at: performance.now(), expected, received, streamReceived, streamHighest, sampled, sampleFailures, subscribers, streams, lagMs };
  lagMs = 0;
  return snap;
}

process.on("message", async (raw) => {
  const command = raw as LoadCommand;
  try {
    let result: unknown = null;
    if (command.cmd === "setup") await setup(command);
    else if (command.cmd === "grow") await grow(command.subscribers);
    else if (command.cmd === "snapshot") result = snapshot();
    else if (command.cmd === "stop") {
      for (const room of rooms) for (const peer of [...room.publishers, ...room.subscribers]) peer.socket.close();
      process.send!({ id: command.id, ok: true, result });
      setTimeout(() => process.exit(0), 200);
      return;
    }
    process.send!({ id: command.id, ok: true, result });
  } catch (error) {
    process.send!({ id: command.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
