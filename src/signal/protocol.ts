/**
 * The signaling protocol, version 1: every message between the meeting page and the server
 * over the room WebSocket. One TypeBox schema per message validates it and gives its type;
 * docs/protocol.md describes the same set with a sequence of a join.
 */
import { Type as T, type Static, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";

/** Protocol version; a client speaking another one is refused with `protocol.version`. */
export const PROTOCOL_VERSION = 1;
/** Largest message accepted from a client, in bytes (an SDP offer with a few m-lines fits). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Longest chat message, in characters. */
export const MAX_CHAT_LENGTH = 2000;

const PeerId = T.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });
const Sdp = T.String({ minLength: 1, maxLength: 60_000 });
const Source = T.Union([T.Literal("camera"), T.Literal("microphone"), T.Literal("screen"), T.Literal("screen-audio")]);
const PcRole = T.Union([T.Literal("publisher"), T.Literal("subscriber")]);
const Candidate = T.Object(
  {
    candidate: T.String({ maxLength: 1024 }),
    sdpMid: T.Optional(T.Union([T.String({ maxLength: 32 }), T.Null()])),
    sdpMLineIndex: T.Optional(T.Union([T.Integer({ minimum: 0, maximum: 64 }), T.Null()])),
    usernameFragment: T.Optional(T.Union([T.String({ maxLength: 256 }), T.Null()])),
  },
  { additionalProperties: false },
);
const MediaState = T.Object(
  { audio: T.Boolean(), video: T.Boolean(), screen: T.Boolean() },
  { additionalProperties: false },
);

function message<K extends string, P extends Record<string, TSchema>>(type: K, properties: P) {
  return T.Object({ type: T.Literal(type), ...properties }, { additionalProperties: false });
}

/* ---------------------------------------------------------------- client -> server */

/** First message: join the room with this protocol version and initial media state. */
export const JoinMessage = message("join", { v: T.Integer(), media: MediaState });
/** The browser's offer on its publishing connection; `sources` names each m-line by mid. */
export const PublishOfferMessage = message("publish-offer", {
  sdp: Sdp,
  sources: T.Record(T.String({ maxLength: 16 }), Source, { maxProperties: 16 }),
});
/** The browser's answer to the server's `subscribe-offer`. */
export const SubscribeAnswerMessage = message("subscribe-answer", { sdp: Sdp });
/** A trickled ICE candidate for one of the two connections (null: end of candidates). */
export const ClientIceMessage = message("ice", { pc: PcRole, candidate: T.Union([Candidate, T.Null()]) });
/** Ask the server for a fresh subscriber offer with ICE restarted (after a network change). */
export const RestartIceMessage = message("restart-ice", {});
/** My microphone / camera / screen share went on or off (for the marks others see). */
export const MediaStateMessage = message("media-state", { media: MediaState });
/** A chat line for everyone in the call; relayed, never stored. */
export const ChatSendMessage = message("chat", { text: T.String({ minLength: 1, maxLength: MAX_CHAT_LENGTH }) });
/** Owner: stop forwarding a participant's microphone. */
export const MuteMessage = message("mute", { peerId: PeerId });
/** Owner: remove a participant from the call. */
export const RemoveMessage = message("remove", { peerId: PeerId });
/** Owner: lock or unlock the room for newcomers. */
export const LockMessage = message("lock", { locked: T.Boolean() });
/** Owner: end the call for everyone. */
export const EndMessage = message("end", {});
/** Leave the call (closing the socket does the same). */
export const LeaveMessage = message("leave", {});
/** Keep-alive; answered with `pong`. */
export const PingMessage = message("ping", {});

export const ClientMessage = T.Union([
  JoinMessage,
  PublishOfferMessage,
  SubscribeAnswerMessage,
  ClientIceMessage,
  RestartIceMessage,
  MediaStateMessage,
  ChatSendMessage,
  MuteMessage,
  RemoveMessage,
  LockMessage,
  EndMessage,
  LeaveMessage,
  PingMessage,
]);
export type ClientMessage = Static<typeof ClientMessage>;
export type MediaStateValue = Static<typeof MediaState>;

const CLIENT_SCHEMAS: Record<ClientMessage["type"], ReturnType<typeof TypeCompiler.Compile>> = {
  join: TypeCompiler.Compile(JoinMessage),
  "publish-offer": TypeCompiler.Compile(PublishOfferMessage),
  "subscribe-answer": TypeCompiler.Compile(SubscribeAnswerMessage),
  ice: TypeCompiler.Compile(ClientIceMessage),
  "restart-ice": TypeCompiler.Compile(RestartIceMessage),
  "media-state": TypeCompiler.Compile(MediaStateMessage),
  chat: TypeCompiler.Compile(ChatSendMessage),
  mute: TypeCompiler.Compile(MuteMessage),
  remove: TypeCompiler.Compile(RemoveMessage),
  lock: TypeCompiler.Compile(LockMessage),
  end: TypeCompiler.Compile(EndMessage),
  leave: TypeCompiler.Compile(LeaveMessage),
  ping: TypeCompiler.Compile(PingMessage),
};

/** Why a client message was refused: a stable code and a sentence. */
export interface ProtocolProblem {
  code: "protocol.not_json" | "protocol.unknown_type" | "protocol.invalid";
  message: string;
}

/** Validates an already-decoded client message against its type's schema; never throws. */
export function checkClientMessage(value: unknown): ClientMessage | ProtocolProblem {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { code: "protocol.not_json", message: "Messages must be JSON objects." };
  }
  const type = (value as { type?: unknown }).type;
  const schema = typeof type === "string" && Object.hasOwn(CLIENT_SCHEMAS, type) ? CLIENT_SCHEMAS[type as ClientMessage["type"]] : null;
  if (!schema) {
    // Never String(type): a decoded object like {"toString":"x"} makes that throw.
    const named = typeof type === "string" ? `Unknown message type ${JSON.stringify(type.slice(0, 40))}.` : 'Messages need a "type" string.';
    return { code: "protocol.unknown_type", message: named };
  }
  if (!schema.Check(value)) {
    const first = schema.Errors(value).First();
    // The path can hold a client's 60 KB property name; the sentence stays short.
    const where = first?.path ? ` at ${first.path.slice(0, 64)}` : "";
    return { code: "protocol.invalid", message: `Invalid "${type}" message${where}: ${first?.message ?? "bad shape"}.` };
  }
  return value as ClientMessage;
}

/** True when parseClientMessage refused the message. */
export function isProblem(value: ClientMessage | ProtocolProblem): value is ProtocolProblem {
  return !("type" in value);
}

/* ---------------------------------------------------------------- server -> client */

/** A participant as everyone in the call sees them. */
export interface ParticipantView {
  peerId: string;
  name: string;
  role: "owner" | "member" | "guest";
  media: MediaStateValue;
  /** Microphone stopped by the owner: the server does not forward it until they unmute. */
  mutedByOwner: boolean;
}

/** A track in the subscriber connection: which participant and source a mid carries. */
export interface TrackView {
  mid: string;
  peerId: string;
  kind: "audio" | "video";
  source: Static<typeof Source>;
}

/** An ICE server as the browser's RTCPeerConnection takes it. */
export interface IceServerView {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Why a call ended for a participant: see docs/protocol.md. */
export type CallEndReason = "ended-by-owner" | "room-deleted" | "out-of-minutes" | "banned" | "account-deleted";

/** Every message the server sends. */
/** The values in a message's sentence (a plan's name, a limit), so the page can say it in its own language. */
export type MessageVars = Readonly<Record<string, string | number>>;

export type ServerMessage =
  | {
      type: "welcome";
      v: number;
      you: ParticipantView;
      room: { id: string; name: string | null; locked: boolean; screenShare: boolean };
      participants: ParticipantView[];
      iceServers: IceServerView[];
    }
  | { type: "publish-answer"; sdp: string }
  | { type: "subscribe-offer"; sdp: string; tracks: TrackView[] }
  | { type: "ice"; pc: Static<typeof PcRole>; candidate: Static<typeof Candidate> }
  | { type: "participant-joined"; participant: ParticipantView }
  | { type: "participant-updated"; participant: ParticipantView }
  | { type: "participant-left"; peerId: string; reason: "left" | "removed" | "disconnected" }
  | { type: "active-speaker"; peerId: string | null }
  | { type: "chat"; from: string; name: string; text: string; at: string }
  | { type: "muted-by-owner"; source: "microphone" }
  | { type: "room-locked"; locked: boolean }
  | { type: "removed"; message: string }
  | { type: "call-ended"; reason: CallEndReason; message: string }
  | { type: "limit-warning"; code: "plan.minutes_low"; minutesLeft: number; message: string; vars?: MessageVars }
  | { type: "media-warning"; code: string; message: string }
  | { type: "pong" }
  | { type: "error"; code: string; message: string; vars?: MessageVars };

/** WebSocket close codes youmeet uses (4000-4999 are the application's). */
export const CloseCode = {
  normal: 1000,
  tooLarge: 1009,
  removed: 4001,
  ended: 4002,
  refused: 4003,
  replaced: 4004,
  rateLimited: 4029,
} as const;
