/**
 * The signaling fuzzer's generator: from a seed, random and mutated client messages, each
 * with the answer the protocol (docs/protocol.md) promises for it in the socket's state.
 * Expectations are derived from how a case is built, never from the server's own schemas.
 */

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same cases. */
export class Rng {
  constructor(private state: number) {}

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A string of `length` characters from `alphabet` (default: hostile text). */
  text(length: number, alphabet: readonly string[] = HOSTILE): string {
    let out = "";
    while (out.length < length) out += this.pick(alphabet);
    return out.slice(0, length);
  }
}

/** Characters that break naive code: quotes, escapes, controls, lone surrogates, emoji, markup. */
const HOSTILE = [..."abcXYZ019 _-", '"', "\\", "/", "\u0000", "\n", "\u2028", "\ud800", "\udfff", "😀", "<", ">", "&", "'", "{", "}", "[", "]", "é", "Ж"];
const ID_CHARS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"];
const SOURCES = ["camera", "microphone", "screen", "screen-audio"] as const;

/** What the server must answer to one case. */
export type Expect =
  | { kind: "error"; code: string }
  | { kind: "accepted" }
  | { kind: "pong" }
  | { kind: "welcome" }
  | { kind: "close"; code: number };

/** One frame to send, what it must cause, and a label for failure reports. */
export interface FuzzCase {
  frame: string | Uint8Array;
  expect: Expect;
  label: string;
}

/** Where a socket is, as the generator must know it to predict answers. */
export interface SocketState {
  joined: boolean;
  owner: boolean;
  /** My peer id while joined (the owner muting itself is refused). */
  peerId: string | null;
  /** Whether valid joins, leaves and socket-closing cases may be generated. */
  mayJoin: boolean;
  mayClose: boolean;
}

type Message = Record<string, unknown>;
type Gen = (r: Rng) => unknown;

const MAX_FRAME = 64 * 1024;
const media: Gen = (r) => ({ audio: r.chance(0.5), video: r.chance(0.5), screen: r.chance(0.2) });
const peerId: Gen = (r) => r.text(r.int(1, 64), ID_CHARS);
/** SDP that the server must refuse as a bad offer before werift sees it. */
const AUDIO_ONLY_SDP = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n";
const badSdp: Gen = (r) =>
  r.pick([
    () => r.text(r.int(1, 200)),
    () => "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
    () => AUDIO_ONLY_SDP,
    () => "x".repeat(r.int(59_000, 60_000)),
  ])();
const candidate: Gen = (r) =>
  r.chance(0.2)
    ? null
    : {
        candidate: r.pick([
          () => `candidate:${r.int(1, 9)} 1 udp ${r.int(1, 2 ** 31)} 127.0.0.1 ${r.int(1024, 65535)} typ host`,
          () => "candidate:1 1 udp 1 abcdef.local 5000 typ host",
          () => "",
          () => r.text(r.int(0, 1024)),
        ])(),
        ...(r.chance(0.5) ? { sdpMid: r.chance(0.2) ? null : r.text(r.int(0, 32)) } : {}),
        ...(r.chance(0.5) ? { sdpMLineIndex: r.chance(0.2) ? null : r.int(0, 64) } : {}),
        ...(r.chance(0.3) ? { usernameFragment: r.chance(0.2) ? null : r.text(r.int(0, 256)) } : {}),
      };
const sources: Gen = (r) => Object.fromEntries(Array.from({ length: r.int(0, 16) }, () => [r.text(r.int(1, 8), ID_CHARS), r.pick(SOURCES)]));

/** Per message type: a valid value for each field, and values each field must refuse. */
const FIELDS: Record<string, Record<string, { valid: Gen; invalid: Gen[] }>> = {
  join: {
    v: { valid: () => 1, invalid: [() => "1", () => 1.5, () => null, () => [1]] },
    media: {
      valid: media,
      invalid: [
        () => null,
        () => "on",
        () => ({ audio: true, video: true }),
        () => ({ audio: true, video: true, screen: "no" }),
        () => ({ audio: true, video: true, screen: false, extra: true }),
      ],
    },
  },
  "publish-offer": {
    sdp: { valid: badSdp, invalid: [() => "", () => "v".repeat(60_001), () => 42, () => null] },
    sources: {
      valid: sources,
      invalid: [
        () => [],
        () => ({ "0": "webcam" }),
        () => ({ "0": 1 }),
        () => Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`m${i}`, "camera"])),
      ],
    },
  },
  "subscribe-answer": { sdp: { valid: badSdp, invalid: [() => "", () => true, () => ({ sdp: "v=0" })] } },
  ice: {
    pc: { valid: (r) => r.pick(["publisher", "subscriber"]), invalid: [() => "both", () => "", () => 0] },
    candidate: {
      valid: candidate,
      invalid: [
        () => "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
        () => ({}),
        () => ({ candidate: 1 }),
        () => ({ candidate: "x".repeat(1025) }),
        () => ({ candidate: "", sdpMLineIndex: 65 }),
        () => ({ candidate: "", sdpMLineIndex: 1.5 }),
        () => ({ candidate: "", sdpMid: "m".repeat(33) }),
        () => ({ candidate: "", extra: 1 }),
      ],
    },
  },
  "restart-ice": {},
  "media-state": { media: { valid: media, invalid: [() => [], () => ({ audio: 1, video: true, screen: false })] } },
  chat: { text: { valid: (r) => r.text(r.chance(0.05) ? 2000 : r.int(1, 80)), invalid: [() => "", (r) => r.text(r.int(2001, 3000)), () => 7, () => ["hi"]] } },
  mute: { peerId: { valid: peerId, invalid: [() => "", () => "p".repeat(65), () => "a b", () => "../x", () => null] } },
  remove: { peerId: { valid: peerId, invalid: [() => "p\u0000", () => 12] } },
  lock: { locked: { valid: (r) => r.chance(0.5), invalid: [() => "true", () => 1, () => null] } },
  end: {},
  leave: {},
  ping: {},
};
const TYPES = Object.keys(FIELDS);
const OWNER_COMMANDS = new Set(["mute", "remove", "lock", "end"]);

function build(type: string, r: Rng): Message {
  const message: Message = { type };
  for (const [name, field] of Object.entries(FIELDS[type]!)) message[name] = field.valid(r);
  return message;
}

const error = (code: string): Expect => ({ kind: "error", code });
const invalid = error("protocol.invalid");
const notJson = error("protocol.not_json");
const unknownType = error("protocol.unknown_type");

/** A valid message that makes sense (or deliberately does not) in the socket's state. */
function validCase(r: Rng, state: SocketState): FuzzCase {
  const choices = TYPES.filter((t) => {
    if (t === "end") return !state.owner; // the owner ending the call would end the fuzz
    if (t === "leave") return !state.joined || state.mayJoin;
    return true;
  });
  const type = r.pick(choices);
  const message = build(type, r);
  const label = `valid ${type}`;
  const answer = (expect: Expect): FuzzCase => ({ frame: JSON.stringify(message), expect, label });
  if (type === "ping") return answer({ kind: "pong" });
  if (type === "join") {
    if (state.joined) return answer(error("signal.out_of_order"));
    if (!state.mayJoin || r.chance(0.3)) {
      message.v = r.pick([0, 2, -1, 2 ** 31]);
      return answer(error("protocol.version"));
    }
    return answer({ kind: "welcome" });
  }
  if (!state.joined) return answer(error("signal.out_of_order"));
  if (OWNER_COMMANDS.has(type)) {
    if (!state.owner) return answer(error("signal.forbidden"));
    if (type === "lock") return answer({ kind: "accepted" });
    if (r.chance(0.3)) {
      message.peerId = state.peerId;
      return answer(error("signal.forbidden"));
    }
    // Random ids never name a participant (theirs are "p" + 12 base64url characters).
    message.peerId = `${peerId(r)}`.slice(0, 10);
    return answer(error("signal.no_participant"));
  }
  if (type === "publish-offer") {
    // The one bad SDP with an m-line (audio, mid 0) is refused for its label first when mid 0 is declared as video.
    const declared = Object.hasOwn(message.sources as object, "0") ? (message.sources as Record<string, string>)["0"] : undefined;
    const mislabelled = message.sdp === AUDIO_ONLY_SDP && (declared === "camera" || declared === "screen");
    return answer(error(mislabelled ? "signal.bad_sources" : "sfu.bad_offer"));
  }
  if (type === "subscribe-answer") return answer(error("signal.out_of_order"));
  return answer({ kind: "accepted" });
}

/** Deeply nested arrays or objects of about `bytes` bytes. */
function nested(r: Rng, bytes: number): string {
  if (r.chance(0.5)) {
    const depth = Math.floor(bytes / 2);
    return "[".repeat(depth) + "]".repeat(depth);
  }
  const depth = Math.floor(bytes / 6);
  return '{"a":'.repeat(depth) + "0" + "}".repeat(depth);
}

/** A message broken in one way; the answer does not depend on the socket's state. */
function malformedCase(r: Rng, state: SocketState): FuzzCase {
  const type = r.pick(TYPES);
  const message = build(type, r);
  const text = JSON.stringify(message);
  // Bytes left in a frame that must stay under the limit (the text may hold multi-byte characters).
  const room = MAX_FRAME - Buffer.byteLength(text) - 100;
  const fields = Object.keys(FIELDS[type]!);
  const mutations: Array<() => FuzzCase> = [
    () => ({ frame: r.pick(["x", "<", ")", "'", "{'", "\\"]) + r.text(r.int(0, 40)), expect: notJson, label: "not JSON" }),
    () => ({ frame: text.slice(0, r.int(0, text.length - 1)), expect: notJson, label: `truncated ${type}` }),
    () => ({ frame: `${text}${r.pick(["x", "}", ",", " 1"])}`, expect: notJson, label: `${type} with trailing bytes` }),
    () => ({ frame: JSON.stringify(text), expect: notJson, label: `${type} quoted inside JSON` }),
    () => ({ frame: `[${text}]`, expect: notJson, label: `${type} in an array` }),
    () => ({ frame: new TextEncoder().encode(text), expect: notJson, label: `${type} as a binary frame` }),
    () => ({ frame: Uint8Array.from({ length: r.int(1, 64) }, () => r.int(0, 255)), expect: notJson, label: "random binary frame" }),
    () => ({ frame: r.pick(["", "null", "true", "false", "0", "-1.5e300", '"join"', "[]", "NaN", "{}x"]), expect: notJson, label: "JSON that is no object" }),
    () => {
      const frame = nested(r, r.int(100, MAX_FRAME - 100));
      return { frame, expect: frame.startsWith("[") ? notJson : unknownType, label: "deep nesting at the top" };
    },
    () => ({ frame: JSON.stringify({ ...message, type: r.pick([type.toUpperCase(), `${type} `, `x-${type}`, "__proto__", "constructor", "toString", "hasOwnProperty", r.text(r.int(1, 300))]) }), expect: unknownType, label: `type of ${type} renamed` }),
    () => ({ frame: `{"type":${r.pick(["1", "null", "true", "[]", "{}", '{"toString":"x"}', '{"toString":1,"valueOf":2}', '["chat"]'])}}`, expect: unknownType, label: "type not a string" }),
    () => ({ frame: JSON.stringify({ ...message, type: undefined }), expect: unknownType, label: `${type} without type` }),
    () => {
      const name = r.pick(["extra", "Type", "__proto__", "constructor", "v2", `x_${r.text(r.int(1, 20), ID_CHARS)}`]);
      return { frame: `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(r.pick([1, "x", null, {}, [true]]))}}`, expect: invalid, label: `${type} with extra field ${name}` };
    },
    () => {
      const name = `x_${r.text(r.int(1, room - 10), ID_CHARS)}`;
      return { frame: `${text.slice(0, -1)},"${name}":1}`, expect: invalid, label: `${type} with a huge extra field name` };
    },
    () => ({ frame: `${text.slice(0, -1)},"deep":${nested(r, r.int(10, room))}}`, expect: invalid, label: `${type} with deep nesting in a field` }),
  ];
  if (fields.length > 0) {
    const name = r.pick(fields);
    const spec = FIELDS[type]![name]!;
    mutations.push(
      () => {
        const broken = { ...message };
        delete broken[name];
        return { frame: JSON.stringify(broken), expect: invalid, label: `${type} without ${name}` };
      },
      () => ({ frame: JSON.stringify({ ...message, [name]: r.pick(spec.invalid)(r) }), expect: invalid, label: `${type} with bad ${name}` }),
      () => ({ frame: `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(r.pick(spec.invalid)(r))}}`, expect: invalid, label: `${type} with ${name} repeated, badly` }),
      () => {
        // Over the field's own limit, under the frame's: an sdp may be 60,000 characters.
        const length = name === "sdp" ? r.int(60_001, 64_000) : room - r.int(0, 2000);
        const huge = { ...message, [name]: "h".repeat(length) };
        return { frame: JSON.stringify(huge), expect: invalid, label: `${type} with a ${name} just under the frame limit` };
      },
    );
  }
  if (state.mayClose && r.chance(0.05)) {
    return { frame: JSON.stringify({ type: "chat", text: "o".repeat(MAX_FRAME + r.int(0, 5000)) }), expect: { kind: "close", code: 1009 }, label: "frame over 64 KiB" };
  }
  return r.pick(mutations)();
}

/** The next case for a socket in `state`; updates `state` as the server will. */
export function nextCase(r: Rng, state: SocketState): FuzzCase {
  let made = r.chance(0.6) ? malformedCase(r, state) : validCase(r, state);
  // A mutation that grew a frame past the limit would be a close, not the error it expects.
  while (made.expect.kind !== "close" && frameBytes(made.frame) > MAX_FRAME - 16) made = malformedCase(r, state);
  if (made.expect.kind === "welcome") state.joined = true;
  if (made.label === "valid leave" && state.joined) {
    state.joined = false;
    state.peerId = null;
  }
  return made;
}

/** Size of a frame on the wire, in bytes. */
export function frameBytes(frame: string | Uint8Array): number {
  return typeof frame === "string" ? Buffer.byteLength(frame) : frame.byteLength;
}
